package dev.graft.cli

import ai.onnxruntime.OrtException
import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.testing.test
import dev.graft.GraftException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** A command that throws what it is given, as a broken command would. */
private class Throwing(private val error: Throwable) : CliktCommand(name = "throwing") {
    override fun run() = graftCall { throw error }
}

class ErrorsSpec : FunSpec({
    val cases: List<Triple<String, Throwable, Int>> = listOf(
        Triple("bad input", GraftException.badInput("the model %s is wrong", "m.onnx"), 2),
        Triple("failure of the work", GraftException.failure("fidelity %s missed", "0.9"), 1),
        Triple("unchecked I/O", java.io.UncheckedIOException(java.io.IOException("disk full")), 1),
        Triple("ONNX Runtime", OrtException("ORT_FAIL: kernel failed"), 1),
        Triple("out of memory", OutOfMemoryError("Java heap space"), 1),
        Triple("illegal state", IllegalStateException("bug"), 1),
        Triple("illegal argument", IllegalArgumentException("bug"), 1),
        Triple("index out of bounds", ArrayIndexOutOfBoundsException("Index 2 out of bounds for length 2"), 1),
        Triple("null pointer", NullPointerException(), 1),
        Triple("arithmetic", ArithmeticException("/ by zero"), 1),
        Triple("class cast", ClassCastException("x"), 1),
        Triple("number format", NumberFormatException("For input string: \"x\""), 1),
        Triple("unsupported operation", UnsupportedOperationException("x"), 1),
        Triple("negative array size", NegativeArraySizeException("-1"), 1),
        Triple("a message of several lines", IllegalStateException("first\n\tat somewhere\nthird"), 1),
    )

    for ((what, error, status) in cases) {
        test("a thrown $what becomes one line with status $status") {
            val r = Throwing(error).test(emptyList())
            r.statusCode shouldBe status
            r.stdout shouldBe ""
            r.stderr.trimEnd().lines().size shouldBe 1
            r.stderr shouldContain "graft: "
            r.stderr shouldNotContain "\tat "
            if (error !is GraftException && error !is java.io.UncheckedIOException && error !is OrtException &&
                error !is OutOfMemoryError) {
                r.stderr shouldContain "internal error: ${error.javaClass.simpleName}"
                r.stderr shouldContain "Graft's issue tracker"
            }
        }
    }

    test("a usage error is one line that names the option and the help") {
        val r = graftRun("eval", Fixtures.model("deep_mlp.onnx"), "--calibration", "x.npy", "--chunk-size", "many")
        r.status shouldBe 2
        r.stderr.trimEnd().lines().size shouldBe 1
        r.stderr shouldContain "--chunk-size"
        r.stderr shouldContain "graft eval --help"
    }

    test("runGraft returns the status of an error thrown outside any command's own handling") {
        runGraft(arrayOf("eval")) shouldBe 2
        runGraft(arrayOf("no-such-command")) shouldBe 2
        runGraft(arrayOf("inspect", "/nonexistent/model.onnx")) shouldBe 2
    }
})
