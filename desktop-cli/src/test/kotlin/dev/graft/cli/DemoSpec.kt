package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files

class DemoSpec : FunSpec({
    test("graft demo runs the whole pipeline and leaves a verified TFLite file and a report") {
        val out = Files.createTempDirectory("graft-demo-spec").resolve("demo")
        val r = graft("demo", "--out", out.toString())
        r.statusCode shouldBe 0
        r.stdout shouldContain "requirement  top1_agreement >= 0.98"
        listOf("graft-demo.onnx", "graft-demo.tflite", "report.json", "report.html").forEach {
            Files.exists(out.resolve(it)) shouldBe true
        }
        val report = JsonParser.parseString(Files.readString(out.resolve("report.json"))).asJsonObject
        report["fidelity"].asJsonObject["top1_agreement"].asDouble shouldBeGreaterThanOrEqual 0.98
        val tflite = report["steps"].asJsonArray.map { it.asJsonObject["details"].asJsonObject }
            .first { it.has("format") && it["format"].asString == "tflite" }
        tflite["verification"].asJsonObject["runtime"].asString shouldBe "litert-wasm"
    }
})
