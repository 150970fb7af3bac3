package dev.graft.cli

import com.github.ajalt.clikt.testing.CliktCommandTestResult
import dev.graft.runtime.BenchmarkResult
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File
import java.net.ServerSocket
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * `graft bench --backend browser` end to end: the command serves the page while headless
 * Chromium, driven by the LiteRT runner's playwright-core, opens `http://127.0.0.1:PORT/` and
 * posts the benchmark result back. Chromium is a system package (.ci/run installs it): where it is
 * missing the two Chromium tests are skipped with that reason; LiteRT and playwright-core are
 * installed by the build, so their absence fails.
 */
class BrowserBenchSpec : FunSpec({
    val tmp = specDir("graft-browser-spec")
    val enabled = { _: io.kotest.core.test.TestCase ->
        BenchFixtures.chromiumReason()?.let { Enabled.disabled(it) } ?: Enabled.enabled
    }

    /** Runs `graft bench ARGS --backend browser --port P` while Chromium opens the page. */
    fun benchInChromium(vararg args: String): Pair<CliktCommandTestResult, String> {
        val port = ServerSocket(0).use { it.localPort }
        var result: CliktCommandTestResult? = null
        val command = Thread {
            result = graft("bench", *args, "--backend", "browser", "--port", port.toString(), "--timeout", "150")
        }.apply { start() }
        val script = File(BrowserBenchSpec::class.java.getResource("/open-in-chromium.mjs")!!.toURI())
        val log = Files.createTempFile(tmp, "chromium", ".log").toFile()
        val node = ProcessBuilder("node", script.path, BenchFixtures.runnerDir.path, "http://127.0.0.1:$port/", "150000")
            .redirectErrorStream(true).redirectOutput(log).start()
        node.waitFor(180, TimeUnit.SECONDS) shouldBe true
        command.join(180_000)
        return requireNotNull(result) { "graft bench did not finish; chromium said: ${log.readText()}" } to log.readText()
    }

    test("headless Chromium runs the ultraface .tflite in LiteRT.js and posts the asked number of runs")
        .config(enabledOrReasonIf = enabled) {
            BenchFixtures.requireLiteRt(playwright = true)
            val (r, browserLog) = benchInChromium(BenchFixtures.ultrafaceTflite, "--runs", "6", "--warmup", "2", "--json")
            withClue("stderr: ${r.stderr}\nchromium: $browserLog") { r.statusCode shouldBe 0 }
            browserLog shouldContain "done http://127.0.0.1:"
            browserLog shouldContain "runs=6&warmup=2&accelerator=wasm"
            r.stderr shouldContain "adb reverse tcp:"
            SchemaCheck.assertValid(r.stdout)
            val result = BenchmarkResult.fromJson(r.stdout)
            result.backend() shouldBe "litert-wasm"
            result.device().platform() shouldBe "browser"
            result.device().extra()["user_agent"]!! shouldContain "Chrome"
            result.timings().runsMs() shouldHaveSize 6
            result.stats().count() shouldBe 6
            result.timings().loadMs() shouldBeGreaterThan 0.0
            result.outputCheck().status().jsonName() shouldBe "skipped"
            result.backendDetails()["cross_origin_isolated"] shouldBe "true"
        }

    test("asking for WebGPU in a browser without it falls back to wasm and the table says why")
        .config(enabledOrReasonIf = enabled) {
            BenchFixtures.requireLiteRt(playwright = true)
            val (r, browserLog) = benchInChromium(BenchFixtures.ultrafaceTflite, "--runs", "3", "--warmup", "0", "--accelerator", "gpu")
            withClue("stderr: ${r.stderr}\nchromium: $browserLog") { r.statusCode shouldBe 0 }
            r.stdout shouldContain "litert-wasm/gpu"
            r.stdout shouldContain "requested_accelerator webgpu"
            r.stdout shouldContain "fallback_reason"
        }

    test("the page's posted details read back as it wrote them: plain numbers, booleans, strings") {
        val posted = dev.graft.io.Json.parseObject(
            """{"runtime_load_ms": 0.0005, "load": 12345678.9, "ms": 12, "probe": true, "fallback_reason": "no adapter", "wasm": [1, "a"]}""",
        )
        posted.values.map { BrowserBench.text(it!!) } shouldBe
            listOf("0.0005", "12345678.9", "12", "true", "no adapter", "[1,\"a\"]")
    }

    test("no result within --timeout is a one-line failure with status 1") {
        BenchFixtures.requireLiteRt()
        val r = graft("bench", BenchFixtures.ultrafaceTflite, "--backend", "browser", "--timeout", "1")
        r.statusCode shouldBe 1
        r.stderr.lines().last { it.isNotBlank() } shouldContain "graft: no result POSTed to /result within 1 s"
        r.stderr shouldContain "browser: open http://127.0.0.1:"
    }
})
