package dev.graft.cli

import dev.graft.io.Temporaries
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicInteger

/**
 * What `graft compress` guards against in a recipe, which is Kotlin code with the user's rights: a
 * `System.exit` inside it must not look like a finished run, and a run may be given a time limit.
 *
 * While a recipe is loaded or run, a shutdown hook watches for a `System.exit` called by any
 * thread (a signal stops the process another way and keeps its usual status): it says so on one
 * line, removes the run's temporaries, and ends the process with status 1 whatever status the
 * recipe asked for.
 */
internal object RecipeGuard {
    private val active = AtomicInteger()
    private val hook = Thread({ onExit() }, "graft-recipe-guard")

    init {
        Runtime.getRuntime().addShutdownHook(hook)
    }

    /**
     * Runs [block] (loading and running a recipe) guarded; with [timeoutSeconds] > 0 it is stopped
     * past that time with a one-line failure.
     */
    fun <T> run(timeoutSeconds: Long, block: () -> T): T {
        active.incrementAndGet()
        try {
            if (timeoutSeconds <= 0) return block()
            val worker = Executors.newSingleThreadExecutor { r -> Thread(r, "graft-recipe").apply { isDaemon = true } }
            try {
                return worker.submit<T> { block() }.get(timeoutSeconds, TimeUnit.SECONDS)
            } catch (e: TimeoutException) {
                throw GraftCliError("the recipe ran past --timeout $timeoutSeconds s and was stopped; nothing more was written", ExitStatus.FAILURE)
            } catch (e: ExecutionException) {
                throw e.cause ?: e
            } finally {
                worker.shutdownNow()
            }
        } finally {
            active.decrementAndGet()
        }
    }

    private fun onExit() {
        if (active.get() == 0) return
        val exitCalled = Thread.getAllStackTraces().values.any { frames ->
            frames.any { it.className == "java.lang.Runtime" && it.methodName == "exit" }
        }
        if (!exitCalled) return
        System.err.println("graft: the recipe called System.exit while it ran; the run did not finish (what it had written stays, nothing more was)")
        System.err.flush()
        Temporaries.deleteAllNow()
        Runtime.getRuntime().halt(ExitStatus.FAILURE)
    }
}
