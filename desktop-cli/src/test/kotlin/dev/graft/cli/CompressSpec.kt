package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import java.nio.file.Path

class CompressSpec : FunSpec({
    val tmp = specDir("graft-compress-spec")

    /** A recipe file: the teacher on line 2, calibration on line 3, then [lines] from line 4. */
    fun recipe(name: String, vararg lines: String): Path {
        val text = listOf(
            "graft {",
            "    teacher(\"${Fixtures.model("deep_mlp.onnx")}\")",
            "    calibration(\"${Fixtures.digits("train_x_flat.npy")}\")",
        ) + lines.map { "    $it" } + "}"
        val f = tmp.resolve(name)
        Files.writeString(f, text.joinToString("\n") + "\n")
        return f
    }

    test("recipe mistakes are reported as file:line with status 2") {
        val cases = listOf(
            recipe("unknown.graft.kts", "replace(from = \"blocks.9\", to = \"blocks.3\", student = linear())")
                to "graft: unknown.graft.kts:4: unknown layer 'blocks.9'",
            recipe("overlap.graft.kts", "replace(from = \"blocks.1\", to = \"blocks.3\", student = linear())",
                "replace(from = \"blocks.2\", to = \"blocks.4\", student = linear())")
                to "graft: overlap.graft.kts:5: region blocks.2..blocks.4 overlaps region blocks.1..blocks.3 (overlap.graft.kts:4)",
            recipe("late.graft.kts", "export { onnx(\"m.onnx\") }", "simplify()")
                to "graft: late.graft.kts:5: step 'simplify",
            recipe("nofile.graft.kts", "teacher(\"no/such/model.onnx\")", "simplify()")
                to "graft: model file not found",
        )
        for ((file, message) in cases) {
            val r = graft("compress", file.toString(), "--out", tmp.resolve("out").toString())
            r.statusCode shouldBe 2
            r.stderr.trim().lines().size shouldBe 1
            r.stderr shouldStartWith message
        }
        graft("compress", tmp.resolve("absent.graft.kts").toString()).stderr shouldContain "absent.graft.kts\" does not exist"
    }

    test("two recipes run into one folder each write reports named after them") {
        val out = tmp.resolve("shared")
        val a = recipe("first.graft.kts", "simplify()")
        val b = recipe("second.graft.kts", "thin(\"blocks.0.0\", keep = 0.5)")
        graft("compress", a.toString(), "--out", out.toString()).statusCode shouldBe 0
        val r = graft("compress", b.toString(), "--out", out.toString())
        r.statusCode shouldBe 0
        r.stdout shouldContain "report       $out/second.report.json"
        fun firstStep(name: String) = JsonParser.parseString(Files.readString(out.resolve("$name.report.json")))
            .asJsonObject["steps"].asJsonArray[0].asJsonObject["step"].asString
        firstStep("first") shouldStartWith "simplify"
        firstStep("second") shouldStartWith "thin"
        Files.readString(out.resolve("first.report.html")) shouldContain "<title>Graft report: first.graft.kts</title>"
        Files.exists(out.resolve("report.json")) shouldBe false
    }

    test("a recipe writes ONNX, NAME.report.json and a report.html whose plots all draw in Chromium") {
        val f = recipe("ok.graft.kts", "labels(\"${Fixtures.digits("train_y.npy")}\")",
            "replace(from = \"blocks.2\", to = \"blocks.3\", student = mlp(hidden = 128), epochs = 10)",
            "export { onnx(\"small.onnx\") }", "require { top1Agreement atLeast 0.95 }")
        val out = tmp.resolve("ok")
        val r = graft("compress", f.toString(), "--out", out.toString())
        r.statusCode shouldBe 0
        Files.exists(out.resolve("small.onnx")) shouldBe true
        val report = JsonParser.parseString(Files.readString(out.resolve("ok.report.json"))).asJsonObject
        report["accuracy"].asJsonObject.has("teacher") shouldBe true
        report["regions"].asJsonArray[0].asJsonObject["loss_curve"].asJsonArray.size() shouldBeGreaterThan 0
        report["roles"].asJsonObject["logits"].asJsonObject["role"].asString shouldBe "classes"
        val check = Browser.checkPlots(out.resolve("ok.report.html"))
        if (check != null) {
            check.consoleErrors shouldBe emptyList()
            // params, MACs, latency, the logits' role (classes) per step, per-region error, one loss curve
            check.plots shouldBe 6
            check.emptyPlots shouldBe 0
        }
    }
})
