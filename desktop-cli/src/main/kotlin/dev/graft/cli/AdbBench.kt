package dev.graft.cli

import dev.graft.runtime.BenchmarkResult
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * `graft bench --backend adb`: drives the android-sample app exactly as android-sample/README.md
 * says — checks adb, the device and the app, pushes the model (and reference), starts
 * `BenchActivity` with extras, polls for `result.json`, pulls and parses it.
 */
internal class AdbBench(private val setup: BenchSetup) {
    private val adb: String = locateAdb(setup.env) ?: throw GraftCliError(
        "adb not found: no adb on the PATH and \$ADB is not set (install Android platform-tools)",
        ExitStatus.BAD_INPUT,
    )

    /** Benchmarks [model] on the phone; the result may have status `error` (the app's verdict). */
    fun run(model: File): BenchmarkResult {
        preflight()
        ensureWorkFolder()
        val name = "model." + (if (BenchBackend.isTflite(model)) "tflite" else "onnx")
        setup.note("adb: pushing ${model.name} to $DIR/$name")
        adbOk("push", model.path, "$DIR/$name")
        val reference = setup.reference
        if (reference != null) pushReference(reference)
        shell("rm", "-f", "$DIR/$RESULT")
        val o = setup.options
        val start = mutableListOf(
            "am", "start", "-W", "-S", "-n", ACTIVITY,
            "--es", "model", name,
            "--es", "backend", if (name.endsWith(".tflite")) "tflite" else "ort",
            "--es", "accelerator", o.accelerator().jsonName(),
            "--ei", "threads", o.threads().toString(),
            "--ei", "warmup", o.warmup().toString(),
            "--ei", "runs", o.runs().toString(),
            "--es", "out", RESULT,
        )
        if (reference != null) start += listOf("--es", "reference", "ref")
        setup.note("adb: starting $ACTIVITY, waiting up to ${setup.timeoutSeconds} s for $RESULT")
        shellOk(*start.toTypedArray())
        waitForResult()
        val local = Files.createTempFile("graft-adb-result", ".json").toFile()
        try {
            adbOk("pull", "$DIR/$RESULT", local.path)
            shell("am", "force-stop", PACKAGE)
            return try {
                BenchmarkResult.fromJson(local.readText())
            } catch (e: IllegalArgumentException) {
                throw GraftCliError("the app's $RESULT is not a graft.bench/1 result: ${e.message}", ExitStatus.FAILURE)
            }
        } finally {
            local.delete()
        }
    }

    /** adb runnable, exactly one device, the app installed; each missing piece is a status-2 error. */
    private fun preflight() {
        val version = try {
            exec(listOf(adb, "version"), 30)
        } catch (e: java.io.IOException) {
            throw GraftCliError("adb not found: '$adb' cannot be run (${e.message})", ExitStatus.BAD_INPUT)
        }
        if (version.code != 0) {
            throw GraftCliError("'$adb version' failed: ${version.line()}", ExitStatus.BAD_INPUT)
        }
        val state = exec(adbArgs("get-state"), 30)
        if (state.code != 0 || state.out.trim() != "device") {
            val why = state.line().ifEmpty { state.out.trim() }
            throw GraftCliError(
                "no Android device ready: adb get-state says '$why' (connect a phone with USB debugging on" +
                    (if (setup.serial == null) ", or pick one with --serial" else "") + ")",
                ExitStatus.BAD_INPUT,
            )
        }
        val pm = exec(adbArgs("shell", "pm", "path", PACKAGE), 60)
        if (pm.out.lines().none { it.trim().startsWith("package:") }) {
            throw GraftCliError(
                "app $PACKAGE is not installed on the device: build and install android-sample (android-sample/README.md)",
                ExitStatus.BAD_INPUT,
            )
        }
    }

    /** The app creates its files folder when first started; start it once without extras if needed. */
    private fun ensureWorkFolder() {
        if (shell("test", "-d", DIR).code == 0) return
        shellOk("am", "start", "-W", "-n", ACTIVITY)
        val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20)
        while (System.nanoTime() < until) {
            if (shell("test", "-d", DIR).code == 0) return
            Thread.sleep(500)
        }
        throw GraftCliError("the app did not create $DIR after its first start", ExitStatus.FAILURE)
    }

    private fun pushReference(dir: File) {
        val files = generateSequence(0) { it + 1 }.map { File(dir, "input_$it.npy") }.takeWhile { it.isFile }.toList() +
            generateSequence(0) { it + 1 }.map { File(dir, "output_$it.npy") }.takeWhile { it.isFile }.toList()
        if (files.none { it.name == "input_0.npy" }) {
            throw GraftCliError("reference folder $dir has no input_0.npy", ExitStatus.BAD_INPUT)
        }
        shell("rm", "-rf", "$DIR/ref")
        shellOk("mkdir", "-p", "$DIR/ref")
        setup.note("adb: pushing ${files.size} reference files to $DIR/ref")
        adbOk("push", *files.map { it.path }.toTypedArray(), "$DIR/ref/")
    }

    private fun waitForResult() {
        val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(setup.timeoutSeconds.toLong())
        while (true) {
            if (shell("test", "-f", "$DIR/$RESULT").code == 0) return
            if (System.nanoTime() > until) {
                throw GraftCliError(
                    "no $RESULT from the app after ${setup.timeoutSeconds} s (see adb logcat -s GraftBench; raise --timeout)",
                    ExitStatus.FAILURE,
                )
            }
            Thread.sleep(POLL_MS)
        }
    }

    private fun adbArgs(vararg args: String): List<String> =
        listOf(adb) + (setup.serial?.let { listOf("-s", it) } ?: emptyList()) + args

    private fun shell(vararg args: String): Outcome = exec(adbArgs("shell", *args), 120)

    private fun shellOk(vararg args: String) {
        val o = shell(*args)
        if (o.code != 0) throw GraftCliError("adb shell ${args.joinToString(" ")} failed: ${o.line()}", ExitStatus.FAILURE)
    }

    private fun adbOk(vararg args: String) {
        val o = exec(adbArgs(*args), 600)
        if (o.code != 0) throw GraftCliError("adb ${args.first()} failed: ${o.line()}", ExitStatus.FAILURE)
    }

    /** Exit code, stdout and stderr of a finished process. */
    class Outcome(val code: Int, val out: String, val err: String) {
        /** The last non-blank line of stderr, else of stdout: what a one-line error quotes. */
        fun line(): String = lastLine(err) ?: lastLine(out) ?: ""

        private fun lastLine(text: String): String? = text.lines().map { it.trim() }.lastOrNull { it.isNotEmpty() }
    }

    private fun exec(cmd: List<String>, timeoutSeconds: Long): Outcome {
        val p = ProcessBuilder(cmd).start()
        p.outputStream.close()
        val err = StringBuilder()
        val errReader = Thread { err.append(p.errorStream.bufferedReader().readText()) }.apply { start() }
        val out = p.inputStream.bufferedReader().readText()
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly()
            throw GraftCliError("${cmd.joinToString(" ")} did not finish within $timeoutSeconds s", ExitStatus.FAILURE)
        }
        errReader.join()
        return Outcome(p.exitValue(), out, err.toString())
    }

    companion object {
        const val PACKAGE: String = "dev.graft.sample"
        const val ACTIVITY: String = "$PACKAGE/.BenchActivity"
        const val DIR: String = "/sdcard/Android/data/$PACKAGE/files"
        const val RESULT: String = "result.json"
        private const val POLL_MS = 1000L

        /** `$ADB` if set, else the first executable `adb` on the PATH of [env]; null when neither. */
        fun locateAdb(env: Map<String, String>): String? {
            env["ADB"]?.takeIf { it.isNotEmpty() }?.let { return it }
            val path = env["PATH"] ?: return null
            return path.split(File.pathSeparator).filter { it.isNotEmpty() }
                .map { File(it, "adb") }.firstOrNull { it.isFile && it.canExecute() }?.path
        }
    }
}
