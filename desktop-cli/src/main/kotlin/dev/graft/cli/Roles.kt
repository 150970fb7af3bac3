package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.options.option
import dev.graft.verify.OutputRole
import dev.graft.verify.RoleBounds
import dev.graft.verify.RoleMetrics

/**
 * `--role NAME=ROLE[:options]`, repeatable, on every command that measures fidelity. (`-o/--output`
 * already names the file a command writes, so the role of a model output is given with `--role`.)
 */
internal fun CliktCommand.roleOption() =
    option(
        "--role",
        metavar = "NAME=ROLE",
        help = "what model output NAME means: NAME=classes|scores|boxes|embedding|regression[:options], " +
            "e.g. scores=scores:threshold=0.7, boxes=boxes:pairedWith=scores,bound=0.1; repeatable " +
            "(undeclared outputs get the roles `graft inspect` shows)",
    ).multiple()

internal fun parseRoles(specs: List<String>): List<OutputRole> = specs.map { OutputRole.parse(it) }

/** One line per output of a report's `roles` section: `scores (scores): precision 0.99, recall 0.95, …`. */
internal fun roleLines(section: Any?): List<String> {
    val roles = section as? Map<*, *> ?: return emptyList()
    return roles.entries.map { (name, v) ->
        val m = v as? Map<*, *> ?: return@map ""
        val skip = setOf("role", "spec", "primary", "threshold", "rows")
        val metrics = m.entries.filter { it.key !in skip }
            .joinToString(", ") { (k, x) -> "$k ${fmt((x as? Number)?.toDouble() ?: Double.NaN)}" }
        "$name (${m["spec"].toString().substringAfter('=')}): $metrics"
    }.filter { it.isNotEmpty() }
}

/** One line per measured output. */
internal fun roleLines(results: List<RoleMetrics.Result>): List<String> = results.map { RoleBounds.describe(it) }

private fun fmt(v: Double): String = when {
    v.isNaN() -> "?"
    v == Math.rint(v) && Math.abs(v) < 1e9 -> v.toLong().toString()
    else -> Format.sci(v)
}
