package dev.graft.cli

import com.github.ajalt.clikt.core.CliktError
import dev.graft.GraftException

/** Exit statuses of the `graft` command. */
public object ExitStatus {
    public const val OK: Int = 0
    public const val FAILURE: Int = 1
    public const val BAD_INPUT: Int = 2
}

/** A Graft problem on its way out of a command: a one-line message and its exit status. */
public class GraftCliError(message: String, statusCode: Int, cause: Exception? = null) :
    CliktError("graft: $message", cause, statusCode)

/** Runs [block], turning Graft's exceptions and I/O trouble into one-line errors with a status. */
internal inline fun graftCall(block: () -> Unit): Unit =
    try {
        block()
    } catch (e: GraftException) {
        throw GraftCliError(e.message ?: "error", e.exitStatus(), e)
    } catch (e: java.io.UncheckedIOException) {
        throw GraftCliError(e.message ?: "I/O error", ExitStatus.FAILURE, e)
    }
