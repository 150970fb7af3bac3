package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.groups.provideDelegate
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.int
import dev.graft.data.Calibration
import dev.graft.data.Labels
import dev.graft.region.ModuleTree
import dev.graft.report.Json
import dev.graft.verify.Evaluator
import java.nio.file.Path

/** `graft eval MODEL --data X.npy [--labels Y.npy] [--reference TEACHER.onnx] [--json]`. */
internal class EvalCommand : CliktCommand(name = "eval") {
    override fun help(context: Context): String =
        "Measure a model on data: accuracy against labels, and top-1 agreement, max abs error " +
            "and relative MSE against a reference model."

    private val model by argument("MODEL", help = "an ONNX model")
    private val data by option("--data", help = "X.npy, or name=X.npy per model input").multiple(required = true)
    private val labels by option("--labels", help = "Y.npy of integer class labels")
    private val reference by option("--reference", help = "the teacher ONNX model to compare with")
    private val json by option("--json", help = "print JSON").flag()
    private val batchSize by option("--batch-size", help = "samples per ONNX Runtime call").int().default(64)
    private val deviceName by deviceOption()
    private val dims by dimOption()
    private val images by ImageOptionsGroup()
    private val roles by roleOption()

    override fun run() = graftCall {
        val graph = readModel(model, dims)
        val ref = reference?.let { readModel(it, dims) }
        val y = labels?.let { Labels.read(Path.of(it), graph) }
        val declared = parseRoles(roles)
        val outputRoles = dev.graft.verify.OutputRoles.of(ref ?: graph, declared)
        var roleResults: List<dev.graft.verify.RoleMetrics.Result> = emptyList()
        val result = Calibration.open(data, graph, images.options()).use { source ->
            val r = Evaluator.evaluate(graph, ref, source, y, device(deviceName), batchSize)
            if (ref != null) {
                val teacher = dev.graft.verify.RoleEvaluator.outputs(ref, source, device(deviceName), batchSize)
                roleResults = dev.graft.verify.RoleEvaluator.compare(graph, teacher, outputRoles, source, y, device(deviceName), batchSize)
            }
            r
        }
        val tree = ModuleTree.of(graph)
        val out = linkedMapOf<String, Any?>(
            "model" to model,
            "samples" to result.samples(),
            "params" to tree.totalParams(),
            "flops" to tree.totalMacs(),
            "device" to deviceName,
        )
        result.accuracy()?.let { out["accuracy"] = it }
        result.referenceAccuracy()?.let { out["reference_accuracy"] = it }
        result.fidelity()?.let {
            out["fidelity"] = linkedMapOf(
                "top1_agreement" to it.top1Agreement(),
                "max_abs_err" to it.maxAbsErr(),
                "rel_mse" to it.relMse(),
            )
        }
        if (ref != null) out["roles"] = dev.graft.verify.RoleEvaluator.section(roleResults)
        if (json) {
            echo(Json.write(out))
        } else {
            echo("${result.samples()} samples · ${Format.count(tree.totalParams())} params · ${Format.si(tree.totalMacs().toDouble())} MACs per sample")
            result.accuracy()?.let { echo("accuracy            ${Format.percent(it)}") }
            result.referenceAccuracy()?.let { echo("reference accuracy  ${Format.percent(it)}") }
            result.fidelity()?.let {
                echo("top-1 agreement     ${Format.percent(it.top1Agreement())}")
                echo("max abs error       ${Format.sci(it.maxAbsErr())}")
                echo("relative MSE        ${Format.sci(it.relMse())}")
            }
            roleLines(roleResults).forEach { echo("role                $it") }
        }
    }
}
