package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.CliktError
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.core.parse
import kotlin.system.exitProcess

/** Entry point of the `graft` command. */
public fun main(args: Array<String>) {
    exitProcess(runGraft(args))
}

/**
 * Runs `graft` with [args] and returns its exit status: 0 success, 1 a failure of the work,
 * 2 bad input or usage.
 */
public fun runGraft(args: Array<String>): Int = runGraft(graftCommand(), args)

/** Runs [command] (the `graft` tree, perhaps with its own terminal) the way [main] does. */
internal fun runGraft(command: CliktCommand, args: Array<String>): Int {
    return try {
        command.parse(args)
        0
    } catch (e: Throwable) {
        if (e !is CliktError && System.getenv("GRAFT_DEBUG") != null) e.printStackTrace()
        val error = cliError(e)
        command.echoFormattedHelp(error)
        if (error is UsageError) ExitStatus.BAD_INPUT else error.statusCode
    }
}
