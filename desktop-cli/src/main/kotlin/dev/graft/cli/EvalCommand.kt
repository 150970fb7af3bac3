package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.groups.provideDelegate
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.types.int
import com.github.ajalt.clikt.parameters.types.path
import com.github.ajalt.clikt.parameters.types.restrictTo
import com.github.ajalt.clikt.core.UsageError
import dev.graft.data.Calibration
import dev.graft.data.Labels
import dev.graft.region.ModuleTree
import dev.graft.report.Json
import dev.graft.verify.Evaluator

/** `graft eval MODEL --calibration DATA [--labels Y.npy] [--teacher TEACHER.onnx] [--json]`. */
internal class EvalCommand : CliktCommand(name = "eval") {
    override fun help(context: Context): String =
        "Measure a model on data: accuracy against labels, and top-1 agreement, max abs error " +
            "and relative MSE against its teacher."

    private val model by modelArgument()
    private val dataNew by calibrationOption("the samples to measure on")
    private val dataOld by renamedOption("--data", "--calibration", "DATA").multiple().deprecatedAlias("--data", "--calibration")
    private val labels by option("--labels", metavar = "Y.npy", help = "integer class labels of the samples, for accuracy")
        .path(mustExist = true, canBeDir = false)
    private val teacherNew by option("--teacher", metavar = "TEACHER.onnx", help = "the teacher model to compare with")
        .path(mustExist = true, canBeDir = false)
    private val teacherOld by renamedOption("--reference", "--teacher", "TEACHER.onnx")
        .path(mustExist = true, canBeDir = false).deprecatedAlias("--reference", "--teacher")
    private val json by jsonOption()
    private val chunkNew by option("--chunk-size", metavar = "N", help = "samples per ONNX Runtime call")
        .int().restrictTo(1, Evaluator.MAX_CHUNK).default(64)
    private val chunkOld by renamedOption("--batch-size", "--chunk-size", "N")
        .int().restrictTo(1, Evaluator.MAX_CHUNK).deprecatedAlias("--batch-size", "--chunk-size")
    private val device by deviceOption()
    private val dims by dimOption()
    private val images by ImageOptionsGroup()
    private val roles by roleOption()

    override fun run() = graftCall {
        val data = renamed(dataNew, dataOld, "--calibration", "--data")
        if (data.isEmpty()) throw UsageError("missing option --calibration")
        val batchSize = chunkOld ?: chunkNew
        val teacher = renamed(teacherNew, teacherOld, "--teacher", "--reference")
        val graph = readModel(model, dims)
        val ref = teacher?.let { readModel(it, dims) }
        val y = labels?.let { Labels.read(it, graph) }
        val declared = parseRoles(roles)
        val outputRoles = dev.graft.verify.OutputRoles.of(ref ?: graph, declared)
        var roleResults: List<dev.graft.verify.RoleMetrics.Result> = emptyList()
        val result = Calibration.open(data, graph, images.options()).use { source ->
            val r = Evaluator.evaluate(graph, ref, source, y, device, batchSize)
            if (ref != null) {
                val teacher = dev.graft.verify.RoleEvaluator.outputs(ref, source, device, batchSize)
                roleResults = dev.graft.verify.RoleEvaluator.compare(graph, teacher, outputRoles, source, y, device, batchSize)
            }
            r
        }
        val tree = ModuleTree.of(graph)
        val out = linkedMapOf<String, Any?>(
            "model" to model.toString(),
            "samples" to result.samples(),
            "params" to tree.totalParams(),
            "flops" to tree.totalMacs(),
            "device" to device.cliName(),
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
