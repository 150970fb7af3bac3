package dev.graft.cli

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
public fun runGraft(args: Array<String>): Int {
    val command = graftCommand()
    return try {
        command.parse(args)
        0
    } catch (e: CliktError) {
        command.echoFormattedHelp(e)
        if (e is UsageError) ExitStatus.BAD_INPUT else e.statusCode
    }
}
