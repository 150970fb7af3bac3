package dev.graft.cli

import dev.graft.io.NdArray
import dev.graft.runtime.Backends
import dev.graft.runtime.BenchmarkOptions
import dev.graft.runtime.BenchmarkResult
import dev.graft.runtime.ReferenceData
import dev.graft.runtime.Stats
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.io.File
import java.nio.file.Files
import java.util.Random

class BenchSpec : FunSpec({
    val mnist = Fixtures.thirdParty("mnist-8.onnx")
    val ultrafaceOnnx = Fixtures.thirdParty("ultraface-slim-320.onnx")
    val ultrafaceTflite = BenchFixtures.ultrafaceTflite
    val tmp = specDir("graft-bench-spec")

    test("ort on mnist-8 gives a schema-valid result with the asked number of timed runs") {
        val r = graft("bench", mnist, "--runs", "7", "--warmup", "2", "--threads", "1", "--json")
        r.statusCode shouldBe 0
        SchemaCheck.assertValid(r.stdout)
        val result = BenchmarkResult.fromJson(r.stdout)
        result.backend() shouldBe "ort"
        result.status() shouldBe BenchmarkResult.Status.PASSED
        result.timings().runsMs() shouldHaveSize 7
        result.options().warmup() shouldBe 2
        result.options().threads() shouldBe 1
        val s = result.stats()
        s.count() shouldBe 7
        s.min() shouldBeLessThanOrEqual s.p50()
        s.p50() shouldBeLessThanOrEqual s.p90()
        s.p90() shouldBeLessThanOrEqual s.p99()
        s.mean() shouldBe (result.timings().runsMs().average() plusOrMinus 1e-9)
        result.timings().loadMs() shouldBeGreaterThan 0.0
    }

    test("the table shows load, first inference, mean ± std, percentiles, memory and the output check") {
        val r = graft("bench", mnist, "--runs", "5", "--warmup", "1")
        r.statusCode shouldBe 0
        for (label in listOf("load", "first inference", "mean ± std", "min", "p50", "p90", "p99", "memory rss", "output check")) {
            r.stdout.lines().any { it.startsWith(label) } shouldBe true
        }
        r.stdout shouldContain "ort/cpu"
        r.stdout shouldContain "5 timed after 1 warm-up"
        r.stdout shouldContain "skipped"
    }

    test("reference outputs that match pass, and outputs that differ exit 1 with one line") {
        val dir = Files.createDirectories(tmp.resolve("ref")).toFile()
        val x = Random(7).let { rnd -> FloatArray(28 * 28) { rnd.nextFloat() } }
        val input = listOf(NdArray.of(x, *longArrayOf(1, 1, 28, 28)))
        val expected = Backends.create("ort").use { ort ->
            ort.load(File(mnist), BenchmarkOptions.builder().build())
            ort.run(input)
        }
        ReferenceData.of(input, expected).save(dir)
        val ok = graft("bench", mnist, "--runs", "3", "--warmup", "0", "--reference", dir.path, "--json")
        ok.statusCode shouldBe 0
        BenchmarkResult.fromJson(ok.stdout).outputCheck().status().jsonName() shouldBe "passed"

        val wrong = expected[0].withElement(3, expected[0].getDouble(3) + 1.0)
        ReferenceData.of(input, listOf(wrong)).save(dir)
        val bad = graft("bench", mnist, "--runs", "3", "--warmup", "0", "--reference", dir.path)
        bad.statusCode shouldBe 1
        bad.stdout shouldContain "failed"
        bad.stderr.trim() shouldStartWith "graft: outputs of $mnist differ from the reference"
        bad.stderr.trim().lines() shouldHaveSize 1
    }

    test("litert runs the ultraface .tflite in LiteRT.js with the asked runs") {
        BenchFixtures.requireLiteRt()
        val r = graft("bench", ultrafaceTflite, "--backend", "litert", "--runs", "4", "--warmup", "1", "--json")
        r.statusCode shouldBe 0
        SchemaCheck.assertValid(r.stdout)
        val result = BenchmarkResult.fromJson(r.stdout)
        result.backend() shouldBe "litert-wasm"
        result.timings().runsMs() shouldHaveSize 4
        result.stats().mean() shouldBeGreaterThan 0.0
    }

    test("litert compares Graft's conversion of ultraface with Google's converter's file") {
        BenchFixtures.requireLiteRt()
        val ours = tmp.resolve("ultraface.tflite")
        graft("convert", ultrafaceOnnx, "-o", ours.toString()).statusCode shouldBe 0 // NHWC input, as Google's file
        val r = graft("bench", ours.toString(), ultrafaceTflite, "--backend", "litert", "--runs", "3", "--warmup", "1", "--json")
        r.statusCode shouldBe 0
        val array = com.google.gson.JsonParser.parseString(r.stdout).asJsonArray
        val google = BenchmarkResult.fromJson(array[1].toString())
        google.model().path() shouldBe ultrafaceTflite
        google.timings().runsMs() shouldHaveSize 3
        BenchmarkResult.fromJson(array[0].toString()).timings().runsMs() shouldHaveSize 3
    }

    test("two models print both columns and the speed-up; --json prints an array of two") {
        val text = graft("bench", mnist, ultrafaceOnnx, "--runs", "4", "--warmup", "1")
        text.statusCode shouldBe 0
        text.stdout.lines().first() shouldContain "mnist-8.onnx"
        text.stdout.lines().first() shouldContain "ultraface-slim-320.onnx"
        text.stdout shouldContain "speed-up of B over A (mean_A/mean_B)"

        val json = graft("bench", mnist, ultrafaceOnnx, "--runs", "4", "--warmup", "1", "--json")
        json.statusCode shouldBe 0
        val array = com.google.gson.JsonParser.parseString(json.stdout).asJsonArray
        array.size() shouldBe 2
        val a = BenchmarkResult.fromJson(array[0].toString())
        val b = BenchmarkResult.fromJson(array[1].toString())
        a.model().path() shouldBe mnist
        b.model().path() shouldBe ultrafaceOnnx
        b.timings().runsMs() shouldHaveSize 4
    }

    test("the speed-up is mean_A/mean_B with the runs' relative deviations added in quadrature") {
        val a = Stats.of(doubleArrayOf(9.0, 10.0, 11.0)) // mean 10, std 1
        val b = Stats.of(doubleArrayOf(4.0, 5.0, 6.0, 5.0)) // mean 5, std sqrt(2/3)
        val s = Speedup.of(a, b)
        s.ratio shouldBe (2.0 plusOrMinus 1e-12)
        s.spread shouldBe (2.0 * Math.sqrt(0.01 + (2.0 / 3.0) / 25.0) plusOrMinus 1e-12)
        s.medianRatio shouldBe (10.0 / 5.0 plusOrMinus 1e-12)
    }

    context("bad input is one line with exit status 2") {
        fun oneLine(vararg args: String, start: String) {
            val r = graftRun("bench", *args)
            r.status shouldBe 2
            r.stderr.trim() shouldStartWith start
            r.stderr.trim().lines() shouldHaveSize 1
        }
        test("a missing model") { oneLine("no/such/model.onnx", start = "graft: invalid value for MODEL: file \"no/such/model.onnx\" does not exist") }
        test("a missing second model") { oneLine(mnist, "no/such/b.onnx", start = "graft: invalid value for MODEL_B: file \"no/such/b.onnx\" does not exist") }
        test("an ONNX model given to litert") { oneLine(mnist, "--backend", "litert", start = "graft: $mnist is not a TFLite file") }
        test("an ONNX model given to browser") { oneLine(mnist, "--backend", "browser", start = "graft: $mnist is not a TFLite file") }
        test("a TFLite model given to ort") { oneLine(ultrafaceTflite, "--backend", "ort", start = "graft: $ultrafaceTflite is a TFLite file") }
        test("an unknown backend") { oneLine(mnist, "--backend", "tpu", start = "graft: invalid value for --backend: invalid choice: tpu. (choose from ort, litert, adb, browser)") }
        test("an unknown accelerator") { oneLine(mnist, "--accelerator", "npu", start = "graft: invalid value for --accelerator: invalid choice: npu.") }
        test("an accelerator ort lacks") { oneLine(mnist, "--accelerator", "gpu", start = "graft: Accelerator gpu is not offered by backend ort, expected one of [cpu, xnnpack, nnapi]") }
        test("zero runs") { oneLine(mnist, "--runs", "0", start = "graft: invalid value for --runs: 0 is smaller than the minimum valid value of 1.") }
        test("threads for litert") { oneLine(ultrafaceTflite, "--backend", "litert", "--threads", "2", start = "graft: --threads is not offered by --backend litert") }
        test("a missing reference folder") { oneLine(mnist, "--reference", "no/such/ref", start = "graft: invalid value for --reference: directory \"no/such/ref\" does not exist") }
    }
})
