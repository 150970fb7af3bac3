package dev.graft.cli

import dev.graft.runtime.BenchmarkResult
import dev.graft.runtime.DeviceInfo
import dev.graft.runtime.Stats
import java.util.Locale
import kotlin.math.sqrt

/** Text output of `graft bench`: one column of figures per model, and the speed-up of two. */
internal object BenchReport {
    /** Rows of figures, one column per result, headed by [names]. */
    fun table(names: List<String>, results: List<BenchmarkResult>): String {
        val probes = results.flatMap { r -> r.memory().map { it.probe() } }.distinct()
        val rows = mutableListOf<Pair<String, (BenchmarkResult) -> String>>(
            "backend" to { r -> "${r.backend()}/${r.options().accelerator().jsonName()}" },
            "runtime" to { r -> details(r) },
            "device" to { r -> device(r.device()) },
            "runs" to { r -> "${r.options().runs()} timed after ${r.options().warmup()} warm-up" },
            "load" to { r -> ms(r.timings().loadMs()) },
            "first inference" to { r -> ms(r.timings().firstInferenceMs()) },
            "mean ± std" to { r -> "${num(r.stats().mean())} ± ${num(r.stats().std())} ms" },
            "min" to { r -> ms(r.stats().min()) },
            "p50" to { r -> ms(r.stats().p50()) },
            "p90" to { r -> ms(r.stats().p90()) },
            "p99" to { r -> ms(r.stats().p99()) },
        )
        for (probe in probes) {
            rows += "memory $probe" to { r -> memory(r, probe) }
        }
        if (probes.isEmpty()) rows += "memory" to { _ -> "not reported by this backend" }
        rows += "output check" to { r ->
            val c = r.outputCheck()
            c.status().jsonName() + (c.reason()?.let { " ($it)" } ?: "")
        }
        val header = listOf("model") + names
        return Format.table(header, rows.map { (label, cell) -> listOf(label) + results.map(cell) })
    }

    /** The speed-up of B over A: mean ratio ± propagated spread, and the ratio of medians. */
    fun speedup(a: BenchmarkResult, b: BenchmarkResult): String {
        val s = Speedup.of(a.stats(), b.stats())
        return "speed-up of B over A (mean_A/mean_B): ${sig(s.ratio)}× ± ${sig(s.spread)} (runs' std " +
            "propagated); ratio of medians p50_A/p50_B: ${sig(s.medianRatio)}×"
    }

    /** Three significant figures, without exponent for everyday ratios. */
    private fun sig(x: Double): String {
        val digits = if (x == 0.0 || !x.isFinite()) 2 else maxOf(0, 2 - Math.floor(Math.log10(Math.abs(x))).toInt())
        return String.format(Locale.ROOT, "%.${digits}f", x)
    }

    private fun details(r: BenchmarkResult): String =
        r.backendDetails().filterKeys { it != "runner" }.entries.joinToString(", ") { (k, v) -> "$k $v" }
            .ifEmpty { "-" }

    private fun device(d: DeviceInfo): String = when (d.platform()) {
        "android" -> listOfNotNull(d.manufacturer(), d.model(), d.sdkInt()?.let { "(SDK $it)" }).joinToString(" ")
        "browser" -> "browser " + (d.extra()["user_agent"]?.let(::browserName) ?: "")
        else -> "${d.platform()} ${d.os() ?: ""} ${d.arch() ?: ""}, ${d.cpuCores()} cores"
    }.trim()

    /** "Chrome/131.0.6778.85" out of a user agent, else its first 40 characters. */
    private fun browserName(ua: String): String =
        Regex("(Chrome|Firefox|Safari)/[0-9.]+").find(ua)?.value ?: ua.take(40)

    private fun memory(r: BenchmarkResult, probe: String): String {
        val m = r.memory().firstOrNull { it.probe() == probe } ?: return "-"
        return "peak ${mib(m.peakBytes())}, after load ${mib(m.afterLoadBytes())}, before ${mib(m.baselineBytes())}"
    }

    private fun mib(bytes: Long): String =
        if (bytes < 0) "?" else String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0))

    private fun ms(x: Double): String = "${num(x)} ms"

    /** Three significant figures below 100, one decimal above. */
    private fun num(x: Double): String = when {
        x < 1 -> String.format(Locale.ROOT, "%.3f", x)
        x < 10 -> String.format(Locale.ROOT, "%.2f", x)
        else -> String.format(Locale.ROOT, "%.1f", x)
    }
}

/**
 * mean_A/mean_B with its spread by first-order propagation of the runs' standard deviations,
 * r·√((σA/μA)² + (σB/μB)²), and p50_A/p50_B.
 */
internal class Speedup(val ratio: Double, val spread: Double, val medianRatio: Double) {
    companion object {
        fun of(a: Stats, b: Stats): Speedup {
            val r = a.mean() / b.mean()
            val ca = a.std() / a.mean()
            val cb = b.std() / b.mean()
            return Speedup(r, r * sqrt(ca * ca + cb * cb), a.p50() / b.p50())
        }
    }
}
