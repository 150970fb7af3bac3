package dev.graft.sample

import android.app.Activity
import android.content.Intent
import android.graphics.Typeface
import android.os.Bundle
import android.util.Log
import android.view.WindowManager
import android.widget.ScrollView
import android.widget.TextView
import dev.graft.runtime.BenchJob
import dev.graft.runtime.BenchmarkException
import java.io.File
import java.io.IOException
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * Runs one `graft-runtime` benchmark per intent that carries a `model` extra and shows the
 * outcome; the result JSON goes to the app's external files folder, where `adb pull` fetches
 * it. All parsing, running and writing is `BenchJob`'s: this class is glue.
 *
 * The benchmark runs on one background thread, which the TFLite GPU delegate requires.
 */
class BenchActivity : Activity() {
    private val worker: ExecutorService = Executors.newSingleThreadExecutor()
    private lateinit var text: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        text = TextView(this).apply {
            typeface = Typeface.MONOSPACE
            setTextIsSelectable(true)
            setPadding(32, 32, 32, 32)
        }
        setContentView(ScrollView(this).apply { addView(text) })
        if (savedInstanceState == null) {
            handle(intent)
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        handle(intent)
    }

    override fun onDestroy() {
        worker.shutdown()
        super.onDestroy()
    }

    private fun handle(intent: Intent) {
        // Creating the folder here is what makes `adb push` into it work on a fresh install.
        val baseDir = getExternalFilesDir(null) ?: filesDir
        val extras = intent.extras
        if (extras == null || !extras.containsKey("model")) {
            text.text = usage(baseDir)
            return
        }
        val args = extras.keySet().associateWith { key ->
            @Suppress("DEPRECATION")
            extras.get(key)
        }
        text.text = "Running ${args["model"]} …"
        worker.execute {
            val line = runJob(args, baseDir)
            runOnUiThread { text.text = line }
        }
    }

    private fun runJob(args: Map<String, Any?>, baseDir: File): String {
        val device = AndroidDevice.info()
        return try {
            val job = BenchJob.fromArgs(args, baseDir)
            val result = job.execute(device, AndroidDevice.probes())
            val line = BenchJob.summary(result)
            Log.i(TAG, "$RESULT_TAG ${job.out().absolutePath} $line")
            "$line\n\n${job.out().absolutePath}\n\n${result.toJson()}"
        } catch (e: BenchmarkException) {
            try {
                val out = BenchJob.writeArgumentError(args, baseDir, e, device)
                Log.i(TAG, "$RESULT_TAG ${out.absolutePath} error: ${e.message}")
                "error: ${e.message}\n\n${out.absolutePath}"
            } catch (io: IOException) {
                Log.e(TAG, "cannot write the result: ${io.message}")
                "error: ${e.message}; and the result could not be written: ${io.message}"
            }
        } catch (e: IOException) {
            Log.e(TAG, "cannot write the result: ${e.message}")
            "error: cannot write the result: ${e.message}"
        }
    }

    private fun usage(baseDir: File): String =
        "Graft bench\n\n" +
            "Push a model to\n  ${baseDir.absolutePath}/\n" +
            "and start this activity with extras, e.g.\n\n" +
            "adb shell am start -W -S -n dev.graft.sample/.BenchActivity \\\n" +
            "  --es model model.tflite --es accelerator gpu --ei runs 50\n\n" +
            "The result is written to\n  ${baseDir.absolutePath}/result.json\n" +
            "Extras: ${BenchJob.KEYS}"

    companion object {
        /** Logcat tag; `adb logcat -s GraftBench` shows one line per finished run. */
        const val TAG = "GraftBench"

        /** Marks the line naming the written result file. */
        const val RESULT_TAG = "GRAFT_RESULT"
    }
}
