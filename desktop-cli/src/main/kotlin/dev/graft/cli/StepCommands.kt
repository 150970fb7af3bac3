package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.parameters.options.check
import com.github.ajalt.clikt.parameters.groups.provideDelegate
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.double
import com.github.ajalt.clikt.parameters.types.long
import com.github.ajalt.clikt.parameters.types.path
import dev.graft.GraftException
import dev.graft.data.RandomSource
import dev.graft.graph.Dims
import dev.graft.graph.ShapeInference
import dev.graft.io.Npy
import dev.graft.recipe.Origin
import dev.graft.recipe.Recipe
import dev.graft.recipe.RecipeRunner
import dev.graft.recipe.Step
import java.nio.file.Path

/**
 * What the single-step commands (replace, thin, lowrank, simplify) share: the model, calibration
 * with its held-out share, seed, device, output and report. Each runs as a one-step recipe, so it
 * measures, caches and reports exactly as `graft compress` does.
 */
internal abstract class StepCommand(name: String) : CliktCommand(name = name) {
    protected val model by modelArgument("the teacher ONNX model")
    protected val calibration by calibrationOption("the samples the step fits on, a share held out to measure fidelity")
    protected val labels by option("--labels", metavar = "Y.npy", help = "integer class labels of the calibration samples, for accuracy")
        .path(mustExist = true, canBeDir = false)
    protected val heldOut by option("--held-out", metavar = "SHARE", help = "share of the calibration set held out for fidelity, in [0, 1)")
        .double().default(0.2).check("must be in [0, 1)") { it >= 0 && it < 1 }
    protected val seed by option("--seed", metavar = "S", help = "seed of every random choice").long().default(0)
    protected val device by deviceOption()
    protected val output by option("-o", "--output", metavar = "OUT.onnx", help = "the ONNX model to write (default: MODEL.COMMAND.onnx here)")
        .path(canBeDir = false)
    protected val report by option("--report", metavar = "REPORT.json", help = "write the report as JSON here")
        .path(canBeDir = false)
    protected val json by jsonOption()
    protected val dims by dimOption()
    private val images by ImageOptionsGroup()
    private val roles by roleOption()
    private val requires by option(
        "--require",
        metavar = "'METRIC(OUTPUT)>=X'",
        help = "a bound the result must meet, METRIC[(OUTPUT)]>=X or <=X, e.g. recall(scores)>=0.9, " +
            "top1_agreement>=0.99; repeatable; a miss exits 1 and writes nothing",
    ).multiple()

    /** The step this command runs. */
    protected abstract fun step(): Step

    /** Whether calibration data is required (simplify with an input box does without). */
    protected open fun needsCalibration(): Boolean = true

    protected val origin: Origin get() = Origin.COMMAND_LINE

    /** Temporary random data made for this run, deleted when it ends. */
    private var random: Path? = null

    override fun run() = graftCall {
        try {
            runStep()
        } finally {
            random?.let { dev.graft.io.Temporaries.delete(it.parent) }
        }
    }

    private fun runStep() {
        val out = output ?: Path.of(defaultOutput())
        val step = step()
        val data = calibration.ifEmpty {
            if (needsCalibration()) throw GraftCliError("--calibration DATA is required", ExitStatus.BAD_INPUT)
            listOf(defaultCalibration())
        }
        val builder = Recipe.builder()
            .teacher(model.toAbsolutePath(), origin)
            .calibration(data.map { absolute(it) }, heldOut, origin)
            .seed(seed)
            .dims(Dims.parse(dims))
            .device(device)
            .step(step)
            .step(Step.ExportOnnx(out.toAbsolutePath(), origin))
        labels?.let { builder.labels(it.toAbsolutePath()) }
        parseRoles(roles).forEach { builder.output(it) }
        requires.forEach { builder.require(dev.graft.recipe.Requirement.parse(it, origin)) }
        images.options()?.let { builder.images(it) }
        val options = RecipeRunner.Options.`in`(Path.of("").toAbsolutePath(), Path.of("").toAbsolutePath()).withCacheDir(null)
        runRecipe(builder.build(), options, ReportTargets(report, null, json))
    }

    private fun defaultOutput(): String =
        model.fileName.toString().removeSuffix(".onnx") + ".$commandName.onnx"

    /**
     * For steps that need no data, fidelity is measured on 2,000 uniform random inputs in
     * [[lo], [hi]) of the model's shapes (single-input models).
     */
    protected fun randomCalibration(lo: Double = 0.0, hi: Double = 1.0): String {
        val g = ShapeInference.infer(readModel(model, dims))
        if (g.inputs().size != 1) {
            throw GraftException.badInput("without --calibration, the model must have one input; give --calibration name=X.npy")
        }
        val v = g.inputs()[0]
        val rowShape = v.shape().dims().drop(1).map { if (it.isKnown) it.value() else 1L }.toLongArray()
        val source = RandomSource(mapOf(v.name() to rowShape), 2000, seed, lo.toFloat(), hi.toFloat())
        val file = dev.graft.io.Temporaries.folder("graft-random").resolve("random.npy")
        random = file
        Npy.write(file, source.batch(0, 2000)[v.name()])
        return file.toString()
    }

    /** Random inputs for commands whose calibration data is optional. */
    protected open fun defaultCalibration(): String = randomCalibration()

    private fun absolute(spec: String): String {
        val eq = spec.indexOf('=')
        return if (eq > 0) spec.substring(0, eq + 1) + Path.of(spec.substring(eq + 1)).toAbsolutePath()
        else Path.of(spec).toAbsolutePath().toString()
    }
}
