package dev.graft.cli.fuzz

import dev.graft.cli.Fixtures
import dev.graft.cli.specDir
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

/**
 * Seeded fuzzing of every reading command, bounded to 45 seconds: mutated ONNX, `.npy` and
 * TFLite files must end in status 0, 1 or 2 with one line, no stack trace and no file written.
 * `bench/run FuzzBench` runs the same harness for thousands of cases.
 */
class FuzzSpec : FunSpec({
    val work = specDir("graft-fuzz-spec")

    test("mutated models, data and TFLite files are refused with one line and the right status") {
        val report = FuzzHarness(Fixtures.root, work, seed = 20261129, caseSeconds = 60).run(cases = 400, budgetSeconds = 45)
        println("fuzz: " + report.summary())
        report.bad.take(10).forEach { println("  #${it.id} ${it.what} ${it.args.first()}: ${it.violations} status ${it.status} ${it.message}") }
        report.bad.take(2).forEach { println("---- #${it.id}\n${it.output}\n----") }
        report.cases shouldBeGreaterThan 50
        report.bad.map { "#${it.id} ${it.what} ${it.args.first()}: ${it.violations} ${it.message}" } shouldBe emptyList()
    }
})
