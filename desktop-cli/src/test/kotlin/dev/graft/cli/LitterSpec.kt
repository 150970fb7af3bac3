package dev.graft.cli

import dev.graft.io.NdArray
import dev.graft.io.Npy
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

private fun listing(dir: Path): List<String> = Files.list(dir).use { s -> s.map { it.fileName.toString() }.toList() }

class LitterSpec : FunSpec({
    val root = specDir("graft-litter-spec")

    test("a run leaves nothing in the temporary folder and hides ONNX Runtime's log lines") {
        val tmp = Files.createDirectories(root.resolve("tmp1"))
        val x = root.resolve("faces.npy")
        Npy.write(x, NdArray.of(FloatArray(3 * 240 * 320) { (it % 255) / 255f }, 1, 3, 240, 320))
        val p = graftProcess(tmp, root, "eval", Fixtures.thirdParty("ultraface-slim-320.onnx"), "--calibration", x.toString(),
            "--chunk-size", "1")
        val out = String(p.inputStream.readAllBytes())
        p.waitFor(120, TimeUnit.SECONDS) shouldBe true
        p.exitValue() shouldBe 0
        out shouldNotContain "onnxruntime"
        out shouldNotContain "Removing initializer"
        listing(tmp).filter { it.startsWith("onnxruntime-java") || it.startsWith("mat-debug") }.shouldBeEmpty()
    }

    test("bench with --dim leaves neither its bound model nor ONNX Runtime's files in the temporary folder") {
        val tmp = Files.createDirectories(root.resolve("tmp3"))
        val tokens = Fixtures.root.resolve("modern").resolve("token_encoder.onnx").toString()
        val p = graftProcess(tmp, root, "bench", tokens, "--dim", "sequence=24", "--runs", "2", "--warmup", "0", "--json")
        val out = String(p.inputStream.readAllBytes())
        p.waitFor(120, TimeUnit.SECONDS) shouldBe true
        withClue(out) { p.exitValue() shouldBe 0 }
        // .ses: ONNX Runtime's telemetry session (a start time and an id), one per temporary folder, rewritten by every run
        listing(tmp).filterNot { it == ".ses" }.shouldBeEmpty()
    }

    test("SIGTERM during replace removes the captured activations and writes nothing") {
        val tmp = Files.createDirectories(root.resolve("tmp2"))
        val out = root.resolve("killed.onnx")
        val p = graftProcess(tmp, root, "replace", Fixtures.model("deep_mlp.onnx"), "--from", "blocks.1", "--to", "blocks.3",
            "--with", "mlp", "--epochs", "5000", "--calibration", Fixtures.digits("train_x_flat.npy"), "-o", out.toString())
        val deadline = System.nanoTime() + 120_000_000_000L
        fun captured() = listing(tmp).filter { it.startsWith("graft-capture") }
            .any { Files.list(tmp.resolve(it)).use { s -> s.count() } > 0 }
        while (!captured() && p.isAlive && System.nanoTime() < deadline) Thread.sleep(50)
        captured() shouldBe true
        p.destroy() // SIGTERM
        p.waitFor(60, TimeUnit.SECONDS) shouldBe true
        listing(tmp).filter { it.startsWith("graft-") }.shouldBeEmpty()
        Files.exists(out) shouldBe false
    }
})
