package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.arguments.optional
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.enum
import com.github.ajalt.clikt.parameters.types.int
import com.github.ajalt.clikt.parameters.types.path
import com.github.ajalt.clikt.parameters.types.restrictTo
import dev.graft.runtime.Accelerator
import dev.graft.runtime.Benchmark
import dev.graft.runtime.BenchmarkException
import dev.graft.runtime.BenchmarkOptions
import dev.graft.runtime.BenchmarkResult
import dev.graft.runtime.DeviceInfo
import dev.graft.runtime.ReferenceData
import java.io.File
import dev.graft.onnx.OnnxWriter
import dev.graft.GraftException
import dev.graft.io.Temporaries

/**
 * `graft bench MODEL [MODEL_B] [--backend ort|litert|adb|browser] …`: latency of one model, or of
 * two side by side with the speed-up. [env] is the process environment (`PATH`, `ADB`,
 * `GRAFT_HOME`); tests pass their own.
 */
internal class BenchCommand(private val env: Map<String, String> = System.getenv()) :
    CliktCommand(name = "bench") {
    override fun help(context: Context): String = """
        Measure a model's latency here, in a browser or on a phone.

        Load time, first inference, then --runs timed runs after --warmup untimed ones (mean ±
        std, min, p50, p90, p99 in ms), memory, and the outputs checked against --reference.

        Backends: ort (ONNX Runtime on this machine, .onnx); litert (a .tflite in LiteRT.js
        through tools/litert-runner, one CPU thread); adb (the android-sample app on a phone:
        pushes the model and reference, runs, pulls the graft.bench/1 result; .tflite or .onnx);
        browser (serves a page that runs the .tflite in LiteRT.js — wasm, or WebGPU with
        --accelerator gpu — for a phone's browser to open, and waits for its result). Default:
        litert for a TFLite file, ort otherwise.

        With MODEL_B both models run with the same backend and options, and the speed-up of B
        over A is mean_A/mean_B ± its spread, the runs' standard deviations propagated to first
        order: r·√((σA/μA)² + (σB/μB)²); the ratio of medians p50_A/p50_B is printed beside it.
        The same --reference is used for both.

        Exit status: 0 passed; 1 outputs differ from the reference, or the run failed;
        2 bad input (missing model, a model the backend cannot run, adb/device/app missing).
    """.trimIndent()

    private val model by argument("MODEL", help = "the model: .onnx or .tflite").path(mustExist = true, canBeDir = false)
    private val modelB by argument("MODEL_B", help = "a second model to compare with MODEL").path(mustExist = true, canBeDir = false).optional()
    private val backendChoice by option("--backend", help = "where the model runs (default: litert for a TFLite file, ort otherwise)")
        .enum<BenchBackend> { it.id }
    private val runs by option("--runs", metavar = "N", help = "timed runs").int().restrictTo(min = 1).default(50)
    private val warmup by option("--warmup", metavar = "N", help = "untimed runs after the first inference").int().restrictTo(min = 0).default(10)
    private val threads by option("--threads", metavar = "N", help = "CPU threads (ort, adb); default: the runtime's")
        .int().restrictTo(min = 1)
    private val accelerator by option(
        "--accelerator",
        help = "adb: all with tflite; ort: cpu, xnnpack and nnapi where the build has them; " +
            "litert: cpu, xnnpack; browser: gpu asks for WebGPU",
    ).enum<Accelerator> { it.jsonName() }.default(Accelerator.CPU, defaultForHelp = "cpu")
    private val reference by option(
        "--reference", metavar = "DIR",
        help = "folder with input_<i>.npy and output_<i>.npy: inputs to feed and outputs to expect",
    ).path(mustExist = true, canBeFile = false)
    private val json by jsonOption()
    private val port by option("--port", metavar = "P", help = "browser: the port to serve on (0: any free port)")
        .int().restrictTo(0, 65535).default(0)
    private val timeout by option("--timeout", metavar = "SECONDS", help = "adb, browser: seconds to wait for the result")
        .int().restrictTo(min = 1).default(300)
    private val serial by option("--serial", metavar = "SERIAL", help = "adb: the device's serial number (adb -s)")
    private val dims by dimOption()

    override fun run() = graftCall {
        val backend = backendChoice ?: BenchBackend.of(model.toFile())
        val options = options(backend)
        val setup = BenchSetup(options, reference?.toFile(), timeout, port, serial, env) { echo(it, err = true) }
        if (reference != null && backend == BenchBackend.BROWSER) {
            throw GraftCliError(
                "--reference is not offered by --backend browser: the page feeds seeded random inputs",
                ExitStatus.BAD_INPUT,
            )
        }
        val folders = mutableListOf<java.nio.file.Path>()
        try {
            val files = listOfNotNull(model, modelB).map { bound(backend.check(it.toFile()), folders) }
            benchAll(backend, files, setup)
        } finally {
            folders.forEach(Temporaries::delete)
        }
    }

    private fun benchAll(backend: BenchBackend, files: List<File>, setup: BenchSetup) {
        val results = files.map { file ->
            runOne(backend, file, setup).also { r ->
                r.error()?.let { throw GraftCliError("$file: ${it.message()}", exitOf(it.code())) }
            }
        }
        if (json) {
            echo(if (results.size == 1) results[0].toJson() else "[\n" + results.joinToString(",\n") { it.toJson() } + "\n]")
        } else {
            echo(BenchReport.table(files.map { it.name }, results))
            if (results.size == 2) {
                echo()
                echo(BenchReport.speedup(results[0], results[1]))
            }
        }
        val failed = files.zip(results).firstOrNull { (_, r) -> r.status() == BenchmarkResult.Status.FAILED }
        if (failed != null) {
            throw GraftCliError(
                "outputs of ${failed.first} differ from the reference: ${failed.second.outputCheck().reason()}",
                ExitStatus.FAILURE,
            )
        }
    }

    /**
     * With `--dim`, an ONNX model with those dimensions bound, written to a file of the same name
     * in a temporary folder added to [folders] (the runtimes feed dynamic dimensions as 1); the
     * model itself otherwise.
     */
    private fun bound(file: File, folders: MutableList<java.nio.file.Path>): File {
        if (dims.isEmpty()) return file
        if (!file.name.endsWith(".onnx")) {
            throw GraftException.badInput("--dim applies to ONNX models; %s has the static shapes it was written with", file.name)
        }
        val dir = Temporaries.folder("graft-bench-dims").also { folders.add(it) }
        val out = dir.resolve(file.name)
        OnnxWriter.write(readModel(file.toPath(), dims), out)
        return out.toFile()
    }

    private fun options(backend: BenchBackend): BenchmarkOptions {
        if (threads != null && !backend.takesThreads) {
            throw GraftCliError(
                "--threads is not offered by --backend ${backend.id}: LiteRT.js runs on one thread",
                ExitStatus.BAD_INPUT,
            )
        }
        return try {
            BenchmarkOptions.builder()
                .runs(runs)
                .warmup(warmup)
                .threads(threads ?: BenchmarkOptions.DEFAULT_THREADS)
                .accelerator(accelerator)
                .build()
        } catch (e: IllegalArgumentException) {
            throw GraftCliError("--${e.message}", ExitStatus.BAD_INPUT)
        }
    }

    private fun runOne(backend: BenchBackend, file: File, setup: BenchSetup): BenchmarkResult =
        try {
            when (backend) {
                BenchBackend.ORT -> {
                    // the benchmark opens ONNX Runtime itself: make the environment Graft's way first
                    dev.graft.exec.Ort.env()
                    Benchmark.builder().options(setup.options).build().run("ort", file, setup.referenceData())
                }
                BenchBackend.LITERT -> LiteRt.runner(env).bench(
                    file, setup.referenceData(), setup.options, DeviceInfo.fromSystem())
                BenchBackend.ADB -> AdbBench(setup).run(file)
                BenchBackend.BROWSER -> BrowserBench(setup, LiteRt.runner(env).cli().absoluteFile.parentFile).run(file)
            }
        } catch (e: BenchmarkException) {
            throw GraftCliError(e.message ?: e.code().jsonName(), e.code().exitStatus(), e)
        }

    private fun exitOf(code: String): Int =
        BenchmarkException.Code.entries.firstOrNull { it.jsonName() == code }?.exitStatus() ?: ExitStatus.FAILURE
}

/** What every backend needs besides the model. */
internal class BenchSetup(
    val options: BenchmarkOptions,
    val reference: File?,
    val timeoutSeconds: Int,
    val port: Int,
    val serial: String?,
    val env: Map<String, String>,
    /** Progress and hints for the user, on stderr so that `--json` output stays clean. */
    val note: (String) -> Unit,
) {
    fun referenceData(): ReferenceData? = reference?.let { ReferenceData.load(it) }
}

/** The `--backend` choices and the model files each can run. */
internal enum class BenchBackend(val id: String, val takesThreads: Boolean) {
    ORT("ort", true),
    LITERT("litert", false),
    ADB("adb", true),
    BROWSER("browser", false);

    /** [file] if it exists and this backend can run it; otherwise a one-line error, status 2. */
    fun check(file: File): File {
        if (!file.isFile) {
            throw GraftCliError("model file not found: $file", ExitStatus.BAD_INPUT)
        }
        val tflite = isTflite(file)
        when (this) {
            ORT -> if (tflite) {
                throw GraftCliError(
                    "$file is a TFLite file; --backend ort runs ONNX models (use litert, adb or browser)",
                    ExitStatus.BAD_INPUT,
                )
            }
            LITERT, BROWSER -> if (!tflite) {
                throw GraftCliError(
                    "$file is not a TFLite file (no TFL3 identifier); --backend $id runs .tflite " +
                        "models (use ort or adb for ONNX)",
                    ExitStatus.BAD_INPUT,
                )
            }
            ADB -> Unit
        }
        if (tflite) dev.graft.tflite.TfliteModel.check(dev.graft.io.AtomicFiles.readInput(file.toPath(), "model file"), file.toString())
        return file
    }

    companion object {
        /** The default backend for [model]'s kind: litert for a TFLite file, ort otherwise. */
        fun of(model: File): BenchBackend = if (model.isFile && isTflite(model)) LITERT else ORT

        /** True when [file] carries the TFLite FlatBuffer identifier `TFL3` at offset 4. */
        fun isTflite(file: File): Boolean {
            val head = ByteArray(8)
            val n = file.inputStream().use { it.readNBytes(head, 0, 8) }
            return n == 8 && String(head, 4, 4, Charsets.US_ASCII) == "TFL3"
        }
    }
}
