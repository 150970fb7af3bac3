package dev.graft.cli

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.util.concurrent.TimeUnit

class RecipeGuardSpec : FunSpec({
    val tmp = specDir("graft-guard-spec")

    fun recipe(name: String, vararg lines: String) = tmp.resolve(name).also {
        Files.writeString(it, (listOf("graft {", "    teacher(\"${Fixtures.model("deep_mlp.onnx")}\")",
            "    calibration(\"${Fixtures.digits("train_x_flat.npy")}\")") + lines.map { l -> "    $l" } + "}")
            .joinToString("\n") + "\n")
    }

    test("a recipe that calls System.exit(0) ends the run with status 1 and says why") {
        val file = recipe("exits.graft.kts", "simplify()", "System.exit(0)")
        val work = Files.createDirectories(tmp.resolve("exit-tmp"))
        val p = graftProcess(work, tmp, "compress", file.toString(), "--out", tmp.resolve("out").toString())
        val out = String(p.inputStream.readAllBytes())
        p.waitFor(120, TimeUnit.SECONDS) shouldBe true
        p.exitValue() shouldBe 1
        out shouldContain "graft: the recipe called System.exit while it ran"
        out.trim().lines().size shouldBe 1
    }

    test("compress --timeout stops a recipe that runs too long with one line and status 1") {
        val file = recipe("slow.graft.kts", "simplify()", "Thread.sleep(600_000)")
        val t0 = System.nanoTime()
        val r = graftRun("compress", file.toString(), "--out", tmp.resolve("slow").toString(), "--timeout", "2")
        (System.nanoTime() - t0) / 1_000_000_000L shouldBeLessThan 60L
        r.status shouldBe 1
        r.stderr.trim() shouldBe "graft: the recipe ran past --timeout 2 s and was stopped; nothing more was written"
    }

    test("a second graft process writing into a folder in use fails at once naming the holder") {
        val file = recipe("second.graft.kts", "simplify()")
        val out = tmp.resolve("shared")
        dev.graft.io.FolderLock.acquire(out.resolve(".graft-cache"), "the first run").use {
            val work = Files.createDirectories(tmp.resolve("second-tmp"))
            val p = graftProcess(work, tmp, "compress", file.toString(), "--out", out.toString())
            val text = String(p.inputStream.readAllBytes())
            p.waitFor(120, TimeUnit.SECONDS) shouldBe true
            p.exitValue() shouldBe 1
            text.trim().lines().size shouldBe 1
            text shouldContain "is in use by another run (pid ${ProcessHandle.current().pid()}, the first run, since "
        }
    }
})
