package dev.graft.cli

import com.github.ajalt.clikt.core.subcommands
import com.github.ajalt.clikt.testing.CliktCommandTestResult
import com.github.ajalt.clikt.testing.test
import dev.graft.runtime.BenchmarkResult
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.io.File

/**
 * `graft bench --backend adb` against [FakePhone]: a fake adb on the PATH that answers as adb and
 * the android-sample app do. No real phone is attached in these tests.
 */
class AdbBenchSpec : FunSpec({
    val mnist = Fixtures.thirdParty("mnist-8.onnx")
    val tmp = specDir("graft-adb-spec")

    fun bench(env: Map<String, String>, vararg args: String): CliktCommandTestResult =
        GraftCommand().subcommands(BenchCommand(env)).test(listOf("bench", *args, "--backend", "adb"))

    /** Status 2 and one error line (after any `adb:` progress notes). */
    fun CliktCommandTestResult.shouldBeOneLineError(start: String) {
        statusCode shouldBe 2
        val lines = stderr.trim().lines().filterNot { it.startsWith("adb: ") }
        lines shouldHaveSize 1
        lines[0] shouldStartWith start
    }

    test("adb missing from the PATH is a one-line error with status 2") {
        val empty = java.nio.file.Files.createTempDirectory(tmp, "no-adb").toFile()
        bench(mapOf("PATH" to empty.path), mnist).shouldBeOneLineError("graft: adb not found")
    }

    test("no device (adb get-state fails) is a one-line error with status 2") {
        val phone = FakePhone(tmp, device = false)
        bench(phone.env, mnist).shouldBeOneLineError("graft: no Android device ready: adb get-state says 'error: no devices/emulators found'")
        phone.callLines() shouldBe listOf("version", "get-state")
    }

    test("the app not installed is a one-line error with status 2 that says how to install it") {
        val phone = FakePhone(tmp, appInstalled = false)
        val r = bench(phone.env, mnist)
        r.shouldBeOneLineError("graft: app dev.graft.sample is not installed on the device")
        r.stderr shouldContain "android-sample/README.md"
    }

    test("a missing model is refused before adb is called") {
        val phone = FakePhone(tmp)
        val r = graftRun(GraftCommand().subcommands(BenchCommand(phone.env)), "bench", "no/such/model.onnx", "--backend", "adb")
        r.status shouldBe 2
        r.stderr.trim() shouldBe "graft: invalid value for MODEL: file \"no/such/model.onnx\" does not exist. (see 'graft bench --help')"
        phone.callLines().shouldBeEmpty()
    }

    test("a run pushes the model and reference, starts the activity with extras, polls and prints the pulled result") {
        val phone = FakePhone(tmp)
        val ref = java.nio.file.Files.createTempDirectory(tmp, "adb-ref").toFile()
        val x = dev.graft.io.NdArray.of(FloatArray(784) { (it % 17) / 17f }, *longArrayOf(1, 1, 28, 28))
        val y = dev.graft.runtime.Backends.create("ort").use { ort ->
            ort.load(File(mnist), dev.graft.runtime.BenchmarkOptions.builder().build())
            ort.run(listOf(x))
        }
        dev.graft.runtime.ReferenceData.of(listOf(x), y).save(ref)
        val r = bench(phone.env, mnist, "--runs", "6", "--warmup", "2", "--threads", "1", "--reference", ref.path,
            "--serial", "FAKE123", "--json", "--timeout", "120")
        withClue(r.stderr + phone.activityLog.takeIf { it.isFile }?.readText()) { r.statusCode shouldBe 0 }
        val result = BenchmarkResult.fromJson(r.stdout)
        result.device().platform() shouldBe "android"
        result.device().model() shouldBe "adb-test"
        result.backend() shouldBe "ort"
        result.timings().runsMs() shouldHaveSize 6
        result.outputCheck().status().jsonName() shouldBe "passed"
        result.inputs()[0].source() shouldBe "reference"
        val calls = phone.callLines()
        calls.all { it.startsWith("-s FAKE123 ") || it == "version" } shouldBe true
        val start = calls.single { it.contains("am start -W -S") }
        start shouldContain "--es model model.onnx"
        start shouldContain "--es backend ort"
        start shouldContain "--ei runs 6"
        start shouldContain "--ei warmup 2"
        start shouldContain "--ei threads 1"
        start shouldContain "--es reference ref"
        calls.any { it.startsWith("-s FAKE123 pull /sdcard/Android/data/dev.graft.sample/files/result.json") } shouldBe true
        File(phone.root, "app/files/ref/output_0.npy").isFile shouldBe true
    }

    test("an error result written by the app becomes a one-line error with its status") {
        val phone = FakePhone(tmp)
        // the app gets a .tflite with a GPU delegate it cannot load on the desktop JVM: the result says why
        bench(phone.env, BenchFixtures.ultrafaceTflite, "--accelerator", "gpu", "--timeout", "120")
            .shouldBeOneLineError("graft: ${BenchFixtures.ultrafaceTflite}: Backend 'tflite' needs")
    }
})
