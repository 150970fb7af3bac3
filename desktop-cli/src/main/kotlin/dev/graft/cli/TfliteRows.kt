package dev.graft.cli

import java.util.Locale

/**
 * The phone rows of the summary table: per exported TFLite precision, the file's size and its
 * LiteRT latency (fastest / median run) for the teacher converted at that precision and for the
 * result; read from the report's `tflite` and `timings.litert`.
 */
internal object TfliteRows {
    /** Rows of `("", teacher, result, ratio)`, two per exported TFLite file. */
    fun rows(report: Map<String, Any?>): List<List<String>> {
        val latencies = litert(report)
        return files(report).flatMapIndexed { i, f ->
            val p = f["precision"]
            val teacher = (f["teacher_bytes"] as? Number)?.toDouble()
            val bytes = num(f["bytes"])
            val size = listOf("TFLite $p size", teacher?.let(::kib) ?: "n/a", kib(bytes), ratio(teacher, bytes))
            val l = latencies.getOrNull(i)
            val t = l?.get("teacher") as? Map<*, *>
            val r = l?.get("result") as? Map<*, *>
            val latency = if (r == null) {
                listOf("LiteRT $p ms min/median", "not measured", "not measured", "")
            } else {
                listOf("LiteRT $p ms min/median", t?.let(::minMedian) ?: "n/a", minMedian(r), ratio(t?.let { num(it["median"]) }, num(r["median"])))
            }
            listOf(size, latency)
        }
    }

    /** How LiteRT latency was measured, or why it was not, one line each. */
    fun notes(report: Map<String, Any?>): List<String> =
        litert(report).mapNotNull { l ->
            (l["unavailable"] as? String)?.let { "litert       ${l["precision"]}: $it" }
                ?: l["runs"]?.let { runs -> "litert       ${l["precision"]}: $runs timed runs of each model after ${l["warmup"]} warm-up runs; ${l["runtime"]}" }
        }

    private fun files(report: Map<String, Any?>) = (report["tflite"] as? List<*>).orEmpty().mapNotNull { it as? Map<*, *> }

    private fun litert(report: Map<String, Any?>) =
        ((report["timings"] as? Map<*, *>)?.get("litert") as? List<*>).orEmpty().mapNotNull { it as? Map<*, *> }

    private fun kib(bytes: Double) = String.format(Locale.ROOT, "%.1f KiB", bytes / 1024)

    private fun minMedian(m: Map<*, *>) = String.format(Locale.ROOT, "%.3f / %.3f", num(m["min"]), num(m["median"]))

    private fun ratio(t: Double?, r: Double) = if (t == null || t == 0.0) "" else String.format(Locale.ROOT, "%.2f×", r / t)

    private fun num(o: Any?): Double = (o as? Number)?.toDouble() ?: Double.NaN
}
