package dev.graft.cli

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import dev.graft.io.Json
import dev.graft.runtime.Accelerator
import dev.graft.runtime.BenchmarkResult
import dev.graft.runtime.DeviceInfo
import dev.graft.runtime.OutputCheck
import dev.graft.runtime.Stats
import java.io.File
import java.math.BigDecimal
import java.net.InetAddress
import java.net.InetSocketAddress
import java.security.MessageDigest
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * `graft bench --backend browser`: serves tools/litert-runner's `web/` page, LiteRT.js and the
 * model on 127.0.0.1 (as `web/routes.json` lays them out), waits for the page to POST its result
 * to `/result`, and turns it into a `graft.bench/1` result. `GET /` without a query redirects to
 * the page with the model, runs, warm-up and accelerator filled in, so a phone needs only
 * `http://127.0.0.1:PORT/` after `adb reverse tcp:PORT tcp:PORT`.
 */
internal class BrowserBench(private val setup: BenchSetup, private val runnerDir: File) {
    private val routes: Map<String, String>
    private val resultPath: String

    init {
        val routesFile = File(runnerDir, "web/routes.json")
        if (!routesFile.isFile) {
            throw GraftCliError("LiteRT runner web page not found: $routesFile", ExitStatus.BAD_INPUT)
        }
        if (!File(runnerDir, "node_modules/@litertjs/core/wasm").isDirectory) {
            throw GraftCliError(
                "LiteRT.js is not installed: run npm ci in $runnerDir", ExitStatus.BAD_INPUT)
        }
        val json = try {
            Json.parseObject(routesFile.readText())
        } catch (e: IllegalArgumentException) {
            throw GraftCliError("cannot read $routesFile: ${e.message}", ExitStatus.BAD_INPUT)
        }
        val routeMap = json["routes"] as? Map<*, *>
        val result = json["result"] as? String
        if (routeMap == null || result == null || routeMap.values.any { it !is String }) {
            throw GraftCliError(
                "$routesFile needs \"routes\" (paths to files) and \"result\" (a path)", ExitStatus.BAD_INPUT)
        }
        routes = routeMap.entries.associate { (k, v) -> k.toString() to v as String }
        resultPath = result
    }

    /** Serves the page for [model] until a result arrives or the timeout passes. */
    fun run(model: File): BenchmarkResult {
        val created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
        val posted = CompletableFuture<Map<String, Any?>>()
        val o = setup.options
        val accelerator = when (o.accelerator()) {
            Accelerator.CPU, Accelerator.XNNPACK -> "wasm"
            Accelerator.GPU -> "webgpu"
            else -> throw GraftCliError(
                "accelerator ${o.accelerator().jsonName()} is not offered by --backend browser, " +
                    "expected one of [cpu, xnnpack, gpu] (gpu: WebGPU)",
                ExitStatus.BAD_INPUT,
            )
        }
        val query = "?model=$MODEL_PATH&runs=${o.runs()}&warmup=${o.warmup()}&accelerator=$accelerator"
        val server = try {
            HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), setup.port), 0)
        } catch (e: java.io.IOException) {
            throw GraftCliError("cannot serve on 127.0.0.1:${setup.port}: ${e.message}", ExitStatus.BAD_INPUT)
        }
        val pool = Executors.newFixedThreadPool(4)
        server.executor = pool
        server.createContext("/") { ex ->
            try {
                handle(ex, model, query, posted)
            } catch (e: java.io.IOException) {
                // the browser went away mid-response; it will ask again or post its result
            } finally {
                ex.close()
            }
        }
        server.start()
        try {
            val port = server.address.port
            setup.note("browser: open http://127.0.0.1:$port/ (the benchmark page: http://127.0.0.1:$port/$query)")
            setup.note("browser: on a phone over USB run first: adb reverse tcp:$port tcp:$port")
            setup.note("browser: waiting up to ${setup.timeoutSeconds} s for the page's result")
            val json = try {
                posted.get(setup.timeoutSeconds.toLong(), TimeUnit.SECONDS)
            } catch (e: TimeoutException) {
                throw GraftCliError(
                    "no result POSTed to $resultPath within ${setup.timeoutSeconds} s (raise --timeout)",
                    ExitStatus.FAILURE,
                )
            }
            return toResult(json, model, created)
        } finally {
            server.stop(0)
            pool.shutdownNow()
        }
    }

    private fun handle(ex: HttpExchange, model: File, query: String, posted: CompletableFuture<Map<String, Any?>>) {
        val path = ex.requestURI.rawPath
        // cross-origin isolation: every resource is same-origin, and isolated pages get
        // performance.now() at full resolution instead of Chromium's coarse 0.1 ms
        ex.responseHeaders.add("Cross-Origin-Opener-Policy", "same-origin")
        ex.responseHeaders.add("Cross-Origin-Embedder-Policy", "require-corp")
        if (ex.requestMethod == "POST" && path == resultPath) {
            val body = ex.requestBody.readBytes().toString(Charsets.UTF_8)
            val json = runCatching { Json.parseObject(body) }.getOrNull()
            if (json == null) {
                ex.sendResponseHeaders(400, -1)
                return
            }
            ex.sendResponseHeaders(204, -1)
            posted.complete(json)
            return
        }
        if (ex.requestMethod != "GET") {
            ex.sendResponseHeaders(405, -1)
            return
        }
        if (path == "/" && ex.requestURI.rawQuery == null) {
            ex.responseHeaders.add("Location", "/$query")
            ex.sendResponseHeaders(302, -1)
            return
        }
        val file = if (path == MODEL_PATH) model else resolve(path)
        if (file == null || !file.isFile) {
            ex.sendResponseHeaders(404, -1)
            return
        }
        ex.responseHeaders.add("Content-Type", contentType(file.name))
        ex.responseHeaders.add("Cache-Control", "no-store")
        ex.sendResponseHeaders(200, file.length())
        file.inputStream().use { it.copyTo(ex.responseBody) }
    }

    /** The file routes.json maps [path] to; null outside the routes or for `..` tricks. */
    private fun resolve(path: String): File? {
        routes[path]?.takeIf { !it.endsWith("/") }?.let { return File(runnerDir, it) }
        for ((prefix, target) in routes) {
            if (!prefix.endsWith("/") || !target.endsWith("/") || !path.startsWith(prefix)) continue
            val rest = path.removePrefix(prefix)
            if (rest.split("/").any { it.isEmpty() || it == ".." || it == "." || it.contains('%') }) return null
            return File(runnerDir, target + rest)
        }
        return null
    }

    private fun toResult(json: Map<String, Any?>, model: File, created: String): BenchmarkResult {
        json["error"]?.let { throw GraftCliError("the browser page failed: ${text(it)}", ExitStatus.FAILURE) }
        val runs = (json["runs_ms"] as? List<*>)?.takeIf { list -> list.all { it is Number } }
            ?.map { (it as Number).toDouble() }?.toDoubleArray()
        if (runs == null || runs.isEmpty()) {
            throw GraftCliError("the browser page posted no runs_ms", ExitStatus.FAILURE)
        }
        fun number(key: String): Double = (json[key] as? Number)?.toDouble()
            ?: throw GraftCliError("the browser page posted no $key", ExitStatus.FAILURE)
        val ua = json["userAgent"]?.let(::text)
        val details = linkedMapOf<String, String>()
        for (key in DETAIL_KEYS) {
            json[key]?.let { details[key] = text(it) }
        }
        val device = DeviceInfo.builder().platform("browser").apply { ua?.let { extra("user_agent", it) } }.build()
        return BenchmarkResult.builder()
            .created(created)
            .model(BenchmarkResult.ModelInfo(model.path, model.length(), sha256(model)))
            .backend(json["backend"]?.let(::text) ?: "litert-wasm")
            .backendDetails(details)
            .options(setup.options)
            .device(device)
            .timings(BenchmarkResult.Timings(number("load_ms"), number("first_inference_ms"), runs))
            .stats(Stats.of(runs))
            .outputCheck(
                OutputCheck.skipped(
                    setup.options.atol(), setup.options.rtol(),
                    "The browser page feeds seeded random inputs; outputs are not checked",
                ),
            )
            .build()
    }

    companion object {
        private const val MODEL_PATH = "/model.tflite"
        private val DETAIL_KEYS = listOf(
            "accelerator", "requested_accelerator", "fallback_reason", "fully_accelerated",
            "runtime_load_ms", "wasm", "jspi", "cross_origin_isolated", "probe",
        )

        /**
         * A posted value as the page wrote it: strings as they are, numbers without a trailing
         * `.0` or an exponent (`0.0005`, not `5.0E-4`), anything else as one line of JSON.
         */
        fun text(value: Any): String = when (value) {
            is String -> value
            is Double -> if (value.isFinite()) BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() else value.toString()
            is Number, is Boolean -> value.toString()
            else -> Json.writeLine(value)
        }

        fun contentType(name: String): String = when (name.substringAfterLast('.', "")) {
            "html" -> "text/html; charset=utf-8"
            "js", "mjs" -> "text/javascript"
            "wasm" -> "application/wasm"
            "json" -> "application/json"
            else -> "application/octet-stream"
        }

        fun sha256(file: File): String {
            val md = MessageDigest.getInstance("SHA-256")
            file.inputStream().use { input ->
                val buf = ByteArray(1 shl 16)
                while (true) {
                    val n = input.read(buf)
                    if (n < 0) break
                    md.update(buf, 0, n)
                }
            }
            return md.digest().joinToString("") { "%02x".format(it) }
        }
    }
}
