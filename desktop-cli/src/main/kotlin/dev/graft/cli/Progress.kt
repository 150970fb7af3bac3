package dev.graft.cli

import com.github.ajalt.mordant.animation.progress.ThreadProgressTaskAnimator
import com.github.ajalt.mordant.animation.progress.animateOnThread
import com.github.ajalt.mordant.terminal.Terminal
import com.github.ajalt.mordant.widgets.progress.completed
import com.github.ajalt.mordant.widgets.progress.progressBar
import com.github.ajalt.mordant.widgets.progress.progressBarContextLayout
import com.github.ajalt.mordant.widgets.progress.text
import com.github.ajalt.mordant.widgets.progress.timeRemaining
import dev.graft.recipe.RunListener
import dev.graft.recipe.Step
import dev.graft.train.EpochStats
import java.util.Locale
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.TimeSource

/**
 * Progress of a recipe run. Step lines (`[1/3] replace …`, `done in …`) go to standard error. Where
 * Mordant finds an interactive terminal, captures and training show as Mordant progress bars with
 * their ETA; elsewhere (a file, a pipe, CI) as plain lines: one per quarter of a capture, one per
 * epoch. A [prelude] (such as how long the recipe took to compile) is printed when the first step
 * starts, so that a refusal before any step stays a single line. Listener calls may come from
 * worker threads.
 */
internal class Progress(
    private val terminal: Terminal,
    private var prelude: String? = null,
    private val interactive: Boolean = terminal.terminalInfo.outputInteractive,
) : RunListener {
    private val lock = Any()
    private var bar: ThreadProgressTaskAnimator<String>? = null
    private var barKey: String? = null
    private var lastDraw = TimeSource.Monotonic.markNow()
    private var lastQuarter = -1

    override fun stepStarted(index: Int, count: Int, step: Step) = synchronized(lock) {
        finishBar()
        prelude?.let { line(it) }
        prelude = null
        lastQuarter = -1
        line("[${index + 1}/$count] ${step.describe()}")
    }

    override fun progress(what: String, done: Long, total: Long) = synchronized(lock) {
        if (interactive) {
            show(what, done, total, what)
        } else {
            val quarter = if (total == 0L) 4 else (done * 4 / total).toInt()
            if (quarter != lastQuarter) {
                lastQuarter = quarter
                line("  $what $done/$total")
            }
        }
    }

    override fun epochDone(stats: EpochStats, epochs: Int, etaSeconds: Double) = synchronized(lock) {
        val text = String.format(Locale.ROOT, "epoch %d/%d  train MSE %.3g  held-out MSE %.3g",
            stats.epoch(), epochs, stats.trainMse(), stats.heldOutMse())
        if (interactive) {
            show("training", stats.epoch().toLong(), epochs.toLong(), text)
        } else {
            line(String.format(Locale.ROOT, "  %s  ETA %.0fs", text, etaSeconds))
        }
    }

    override fun stepFinished(index: Int, step: Step, cached: Boolean, seconds: Double) = synchronized(lock) {
        finishBar()
        line(String.format(Locale.ROOT, "  done in %.1fs%s", seconds, if (cached) " (cached: already done in an earlier run)" else ""))
    }

    /** Draws the bar for [key] (a new one when the work changes), at most ten times a second. */
    private fun show(key: String, done: Long, total: Long, text: String) {
        if (key != barKey) {
            finishBar()
            bar = LAYOUT.animateOnThread(terminal, context = text, total = total)
            barKey = key
        }
        val b = bar ?: return
        b.update {
            completed = done
            this.total = total
            context = text
        }
        if (lastDraw.elapsedNow() >= 100.milliseconds) {
            b.refresh()
            lastDraw = TimeSource.Monotonic.markNow()
        }
        if (done >= total) finishBar()
    }

    private fun finishBar() {
        bar?.let {
            it.refresh(refreshAll = true)
            it.stop()
        }
        bar = null
        barKey = null
    }

    private fun line(text: String) = terminal.println(text, stderr = true)

    private companion object {
        val LAYOUT = progressBarContextLayout<String> {
            text { "  $context" }
            progressBar()
            completed()
            timeRemaining()
        }
    }
}
