package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeGreaterThanOrEqual
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files

class DemoSpec : FunSpec({
    val tmp = specDir("graft-demo-spec")

    test("graft demo runs the whole pipeline and leaves a verified TFLite file and a report") {
        val out = tmp.resolve("demo")
        val r = graft("demo", "--out", out.toString())
        r.statusCode shouldBe 0
        r.stdout shouldContain "requirement  top1_agreement >= 0.98"
        listOf("graft-demo.onnx", "graft-demo.tflite", "demo.report.json", "demo.report.html").forEach {
            Files.exists(out.resolve(it)) shouldBe true
        }
        // the summary table: the TFLite file's size and LiteRT latency, teacher beside result
        r.stdout shouldContain Regex("""TFLite fp32 size\s+[0-9.]+ KiB\s+[0-9.]+ KiB\s+[0-9.]+×""")
        r.stdout shouldContain Regex("""LiteRT fp32 ms min/median\s+[0-9.]+ / [0-9.]+\s+[0-9.]+ / [0-9.]+""")
        r.stdout shouldContain "litert       fp32: 30 timed runs of each model after 3 warm-up runs"
        val report = JsonParser.parseString(Files.readString(out.resolve("demo.report.json"))).asJsonObject
        report["fidelity"].asJsonObject["top1_agreement"].asDouble shouldBeGreaterThanOrEqual 0.98
        val tflite = report["steps"].asJsonArray.map { it.asJsonObject["details"].asJsonObject }
            .first { it.has("format") && it["format"].asString == "tflite" }
        tflite["verification"].asJsonObject["runtime"].asString shouldBe "litert-wasm"
        val file = report["tflite"].asJsonArray[0].asJsonObject
        file["teacher_bytes"].asLong shouldBeGreaterThan file["bytes"].asLong
        val latency = report["timings"].asJsonObject["litert"].asJsonArray[0].asJsonObject
        latency["result"].asJsonObject["median"].asDouble shouldBeGreaterThan 0.0
        Files.readString(out.resolve("demo.report.html")) shouldContain "<td>LiteRT fp32 latency median, ms</td>"
    }
})
