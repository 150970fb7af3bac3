package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import dev.graft.report.Json
import dev.graft.report.ModelSummary

/** `graft inspect MODEL [--json]`: the module tree with ops, params, MACs, shapes, regions. */
internal class InspectCommand : CliktCommand(name = "inspect") {
    override fun help(context: Context): String =
        "Show a model's module tree: ops, params, MACs (flops), output shapes, and where a " +
            "region may start or end."

    private val model by modelArgument()
    private val json by jsonOption()
    private val dims by dimOption()

    override fun run() = graftCall {
        val graph = readModel(model, dims)
        val summary = ModelSummary.of(model.fileName.toString(), graph)
        val roles = dev.graft.verify.OutputRoles.inferred(graph).all()
        if (json) {
            val m = LinkedHashMap(summary.toJson())
            m["roles"] = roles.associate { it.output() to it.describe().substringAfter('=') }
            echo(Json.write(m))
        } else {
            echo(render(summary, roles))
        }
    }

    /** The four most frequent compute ops; shape plumbing shows only where there is nothing else. */
    private fun opSummary(counts: Map<String, Int>): String {
        val plumbing = setOf("Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Reshape", "Slice")
        val compute = counts.filterKeys { it !in plumbing }.ifEmpty { counts }
        val shown = compute.entries.sortedByDescending { it.value }.take(4)
            .joinToString(" ") { (op, n) -> if (n == 1) op else "$op×$n" }
        val hidden = counts.size - minOf(4, compute.size)
        return if (hidden > 0) "$shown +$hidden more" else shown
    }

    private fun render(s: ModelSummary, roles: List<dev.graft.verify.OutputRole>): String {
        val head = buildString {
            appendLine("model ${s.name()} · opset ${s.opset()} · ${s.producer().ifEmpty { "unknown producer" }} · ${s.nodes()} nodes")
            s.inputs().forEach { appendLine("input   ${Format.signature(it)}") }
            s.outputs().forEach { appendLine("output  ${Format.signature(it)}") }
            roles.forEach { appendLine("role    ${it.describe()} (inferred; declare with --role NAME=ROLE[:options])") }
        }
        val rows = s.modules().map { r ->
            val m = r.module()
            val region = when {
                r.alone() -> "alone"
                r.canStart() && r.canEnd() -> "start end"
                r.canStart() -> "start"
                r.canEnd() -> "end"
                else -> "-"
            }
            listOf(
                "  ".repeat(m.depth() - 1) + m.path(),
                opSummary(m.opCounts()),
                Format.count(m.params()),
                Format.si(m.macs().toDouble()),
                m.outputShape()?.toString() ?: "?",
                region,
            )
        }
        val table = Format.table(
            listOf("module", "ops", "params", "MACs", "output", "region"), rows, setOf(2, 3))
        return head + "\n" + table + "\n\n" +
            "total ${Format.count(s.params())} params (weight elements in the file), " +
            "${Format.si(s.macs().toDouble())} MACs per sample\n" +
            "region: alone = a valid region by itself; start/end = a valid --from/--to at the same depth"
    }
}
