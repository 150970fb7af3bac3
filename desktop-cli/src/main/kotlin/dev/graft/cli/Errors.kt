package dev.graft.cli

import ai.onnxruntime.OrtException
import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.CliktError
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.output.HelpFormatter
import com.github.ajalt.clikt.output.MordantHelpFormatter
import com.github.ajalt.clikt.output.ParameterFormatter
import dev.graft.GraftException

/** Exit statuses of the `graft` command. */
public object ExitStatus {
    public const val OK: Int = 0
    public const val FAILURE: Int = 1
    public const val BAD_INPUT: Int = 2
}

/** A Graft problem on its way out of a command: a one-line message and its exit status. */
public class GraftCliError(message: String, statusCode: Int, cause: Exception? = null) :
    CliktError("graft: " + oneLine(message), cause, statusCode)

/** Where an internal error is reported, named in its message. */
internal const val REPORT_TO: String =
    "please report it in Graft's issue tracker with the command line (GRAFT_DEBUG=1 prints the stack trace)"

/**
 * The one error path of the `graft` command: every exception that escapes a command becomes a
 * one-line error with its status. Graft's own exceptions carry their kind (2 bad input, 1 failure
 * of the work); I/O trouble, ONNX Runtime errors and running out of memory are failures of the
 * work (1); anything else is an internal error (1) that says where to report it.
 */
internal fun cliError(e: Throwable): CliktError = when (e) {
    is CliktError -> e
    is GraftException -> GraftCliError(e.message ?: "error", e.exitStatus(), e)
    is java.io.UncheckedIOException -> GraftCliError("I/O error: ${e.cause?.message ?: e.message}", ExitStatus.FAILURE, e)
    is java.io.IOException -> GraftCliError("I/O error: ${e.message}", ExitStatus.FAILURE, e)
    is OrtException -> GraftCliError("ONNX Runtime failed: ${e.message}", ExitStatus.FAILURE, e)
    is OutOfMemoryError -> GraftCliError(
        "out of memory (the Java heap holds ${Runtime.getRuntime().maxMemory() / (1 shl 20)} MiB; " +
            "use less data or a smaller batch, or raise it with GRAFT_JAVA_OPTS=-Xmx...)",
        ExitStatus.FAILURE,
    )
    is StackOverflowError -> GraftCliError("the model is too deeply nested to process (stack overflow)", ExitStatus.BAD_INPUT)
    else -> GraftCliError("internal error: ${e.javaClass.simpleName}${e.message?.let { ": $it" } ?: ""}${where(e)}; $REPORT_TO",
        ExitStatus.FAILURE, e as? Exception)
}

/** The innermost frame in Graft's own code (else the first), so an internal error says where it happened. */
private fun where(e: Throwable): String =
    (e.stackTrace.firstOrNull { it.className.startsWith("dev.graft.") } ?: e.stackTrace.firstOrNull())
        ?.let { " (at ${it.className.substringAfterLast('.')}.${it.methodName}:${it.lineNumber})" } ?: ""

/** Joins a message to one line. */
internal fun oneLine(message: String): String = message.lineSequence().map { it.trim() }.filter { it.isNotEmpty() }.joinToString(" ")

/**
 * Runs [block], turning anything it throws into a one-line error with a status ([cliError]); a
 * usage error raised while running names this command's help.
 */
internal inline fun CliktCommand.graftCall(block: () -> Unit): Unit =
    try {
        block()
    } catch (e: Throwable) {
        if (System.getenv("GRAFT_DEBUG") != null) e.printStackTrace()
        val error = cliError(e)
        if (error is UsageError && error.context == null) error.context = currentContext
        throw error
    }

/**
 * Help as Clikt renders it, with every default and required option tagged, but a usage error on
 * one line: `graft: MESSAGE (see 'graft CMD --help')`.
 */
internal class OneLineUsageErrors(private val context: Context) : HelpFormatter {
    private val full = object : MordantHelpFormatter(context, showDefaultValues = true, showRequiredTag = true) {
        /** Metavars as the README writes them: `--calibration DATA`, `MODEL`, `[OPTIONS]`. */
        override fun normalizeParameter(name: String): String = if (name == name.lowercase()) name.uppercase() else name

        override fun renderAttachedOptionValue(metavar: String): String = " $metavar"
    }

    override fun formatHelp(
        error: UsageError?,
        prolog: String,
        epilog: String,
        parameters: List<HelpFormatter.ParameterHelp>,
        programName: String,
    ): String =
        if (error == null) full.formatHelp(null, prolog, epilog, parameters, programName)
        else "graft: " + oneLine(error.formatMessage(context.localization, ParameterFormatter.Plain)) +
            " (see '${error.context?.commandNameWithParents()?.joinToString(" ") ?: programName} --help')"
}
