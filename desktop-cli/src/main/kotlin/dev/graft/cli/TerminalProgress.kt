package dev.graft.cli

import dev.graft.recipe.RunListener
import dev.graft.recipe.Step
import dev.graft.train.EpochStats
import java.io.PrintStream
import java.util.Locale

/**
 * Progress of a recipe run on standard error: a bar redrawn in place on a terminal, and a line
 * per quarter (captures) or per epoch (training) when the output is a file or a pipe. A [prelude]
 * (such as how long the recipe took to compile) is printed when the first step starts, so that a
 * refusal before any step stays a single line.
 */
internal class TerminalProgress(
    private val err: PrintStream = System.err,
    private val interactive: Boolean = System.console() != null,
    private var prelude: String? = null,
) : RunListener {
    private var lastQuarter = -1
    private var stepLabel = ""
    private var epochStart = 0L

    override fun stepStarted(index: Int, count: Int, step: Step) {
        prelude?.let { err.println(it) }
        prelude = null
        stepLabel = "[${index + 1}/$count] ${step.describe()}"
        lastQuarter = -1
        epochStart = System.nanoTime()
        err.println(stepLabel)
    }

    override fun progress(what: String, done: Long, total: Long) {
        val fraction = if (total == 0L) 1.0 else done.toDouble() / total
        if (interactive) {
            err.print("\r  ${bar(fraction)} $what $done/$total")
            if (done == total) err.println()
        } else {
            val quarter = (fraction * 4).toInt()
            if (quarter != lastQuarter) {
                lastQuarter = quarter
                err.println("  $what $done/$total")
            }
        }
    }

    override fun epochDone(stats: EpochStats, epochs: Int, etaSeconds: Double) {
        val line = String.format(
            Locale.ROOT, "  %s epoch %d/%d  train MSE %.3g  held-out MSE %.3g  ETA %.0fs",
            bar(stats.epoch().toDouble() / epochs), stats.epoch(), epochs, stats.trainMse(),
            stats.heldOutMse(), etaSeconds,
        )
        if (interactive) err.print("\r$line") else err.println(line)
    }

    override fun stepFinished(index: Int, step: Step, cached: Boolean, seconds: Double) {
        if (interactive) err.println()
        err.println(String.format(Locale.ROOT, "  done in %.1fs%s", seconds, if (cached) " (cached: already done in an earlier run)" else ""))
    }

    private fun bar(fraction: Double): String {
        val width = 20
        val full = (fraction.coerceIn(0.0, 1.0) * width).toInt()
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "]"
    }
}
