package dev.graft.dsl

import dev.graft.recipe.Origin
import dev.graft.recipe.Recipe
import dev.graft.recipe.Requirement
import dev.graft.recipe.Step
import dev.graft.replace.StudentSpec
import dev.graft.tflite.Precision
import java.nio.file.Path

/** Marks the receivers of the recipe DSL, so inner blocks cannot call outer scopes by accident. */
@DslMarker
internal annotation class GraftDslMarker

/**
 * A compression recipe in Kotlin:
 *
 * ```kotlin
 * graft {
 *     teacher("encoder.onnx"); calibration("calib.npy", heldOut = 0.2)
 *     replace(from = "blocks.2", to = "blocks.4") { attentionFfn(heads = 4, ffn = 128) }
 *     simplify(); thin("stage2.*", keep = 0.5)
 *     export { onnx("out/model.onnx"); tflite("out/model.tflite", precision = Int8) }
 *     require { top1Agreement atLeast 0.99 }
 * }
 * ```
 *
 * Every call maps onto one call of the Java [Recipe.Builder]; mistakes are reported with the
 * recipe's `file:line`. In a `.graft.kts` script the recipe is also handed to the script host.
 */
public fun graft(block: RecipeScope.() -> Unit): Recipe {
    val scope = RecipeScope()
    scope.block()
    val recipe = scope.builder.build()
    RecipeCollector.collect(recipe)
    return recipe
}

/** The body of `graft { }`. */
@GraftDslMarker
public class RecipeScope internal constructor() {
    internal val builder: Recipe.Builder = Recipe.builder()

    /** The model to compress. */
    public fun teacher(model: String) {
        builder.teacher(Path.of(model), callerOrigin())
    }

    /** Calibration data (DATA forms as on the command line); [heldOut] is kept aside for fidelity. */
    public fun calibration(vararg data: String, heldOut: Double = 0.2) {
        builder.calibration(data.toList(), heldOut, callerOrigin())
    }

    /** How image folders given as data become tensors: size `HxW`, per-channel mean and std after scaling to [0,1]. */
    public fun images(size: String, mean: String? = null, std: String? = null) {
        builder.images(dev.graft.data.ImageOptions.parse(size, mean, std))
    }

    /** Integer class labels of the calibration samples, for accuracy. */
    public fun labels(file: String) {
        builder.labels(Path.of(file))
    }

    /** Data to measure the result on (instead of the held-out calibration rows), with labels for accuracy. */
    public fun test(vararg data: String, labels: String? = null) {
        builder.test(data.toList(), labels?.let { Path.of(it) })
    }

    /**
     * Sizes of the teacher's named symbolic dimensions, e.g. `dims("sequence" to 128)` for a
     * token model whose inputs are `[batch, sequence]`; the same as `--dim sequence=128`.
     */
    public fun dims(vararg sizes: Pair<String, Int>) {
        builder.dims(sizes.associate { (name, size) -> name to size.toLong() }, callerOrigin())
    }

    /** The seed of every random choice (fixed by default). */
    public fun seed(value: Long) {
        builder.seed(value)
    }

    /**
     * Replace layers [from]..[to] by the student the block names, trained [epochs] (0: the default),
     * then fine-tuned [finetune] epochs through the frozen rest of the model (0: not); [sideInputs]
     * are model inputs (masks, positions) the region may read besides its entry.
     */
    public fun replace(
        from: String,
        to: String = from,
        epochs: Int = 0,
        finetune: Int = 0,
        sideInputs: List<String> = emptyList(),
        student: StudentScope.() -> Unit,
    ) {
        val origin = callerOrigin()
        val s = StudentScope().apply(student).chosen
            ?: throw Recipe.error(origin, "replace(%s..%s) names no student: add linear(), mlp(), attentionFfn(), thinConv() or skip()", from, to)
        builder.step(Step.Replace(from, to, s, epochs, finetune, sideInputs, origin))
    }

    /** Keep [keep] of the channels of the layers [layers] names, chosen by SOMP (or by magnitude). */
    public fun thin(layers: String, keep: Double, multiple: Int = 8, magnitude: Boolean = false) {
        builder.step(Step.Thin(layers, keep, multiple, magnitude, callerOrigin()))
    }

    /** Factorize the layers [layers] names, at [rank] or keeping [energy] of the spectrum; [dataAware] fits to recorded inputs. */
    public fun lowRank(layers: String, rank: Int = 0, energy: Double = 0.0, dataAware: Boolean = true) {
        builder.step(Step.LowRank(layers, rank, energy, dataAware, callerOrigin()))
    }

    /** Exact simplifications on the calibration domain, or on the input box [lo]..[hi] when given. */
    public fun simplify(lo: Double? = null, hi: Double? = null) {
        builder.step(Step.Simplify(lo, hi, callerOrigin()))
    }

    /** Where the result goes. */
    public fun export(block: ExportScope.() -> Unit) {
        ExportScope(builder).block()
    }

    /** What the teacher's outputs mean (the others are inferred): `"scores" to Scores(threshold = 0.7)`. */
    public fun outputs(block: OutputsScope.() -> Unit) {
        OutputsScope(builder).block()
    }

    /** Bounds the result must meet on held-out data; a miss fails the run. */
    public fun require(block: RequireScope.() -> Unit) {
        RequireScope(builder).block()
    }
}

/** Chooses a student inside `replace { }`. */
@GraftDslMarker
public class StudentScope internal constructor() {
    internal var chosen: StudentSpec? = null

    /** A linear map (closed-form ridge least squares). */
    public fun linear() { chosen = StudentSpec.of("linear") }
    /** An MLP of [depth] hidden layers of width [hidden]. */
    public fun mlp(hidden: Int = 256, depth: Int = 1) { chosen = StudentSpec.of("mlp").withWidth(hidden.toDouble()).withDepth(depth) }
    /** One pre-norm attention + FFN block. */
    public fun attentionFfn(heads: Int = 4, ffn: Int = 128) { chosen = StudentSpec.of("attention-ffn").withHeads(heads).withFfn(ffn) }
    /** The region's conv stack with [width]× the channels. */
    public fun thinConv(width: Double = 0.5) { chosen = StudentSpec.of("thin-conv").withWidth(width) }
    /** Drop the region (identity). */
    public fun skip() { chosen = StudentSpec.of("skip") }
}

/** Export targets inside `export { }`. */
@GraftDslMarker
public class ExportScope internal constructor(private val builder: Recipe.Builder) {
    public val Fp32: Precision = Precision.FP32
    public val Fp16: Precision = Precision.FP16
    public val Int8Dynamic: Precision = Precision.INT8_DYNAMIC
    public val Int8: Precision = Precision.INT8

    public fun onnx(path: String) {
        builder.step(Step.ExportOnnx(Path.of(path), callerOrigin()))
    }

    public fun tflite(path: String, precision: Precision = Precision.FP32) {
        builder.step(Step.ExportTflite(Path.of(path), precision, callerOrigin()))
    }
}

/**
 * Fidelity bounds inside `require { }`: `top1Agreement atLeast 0.99`, `relMse atMost 1e-3`, and
 * role metrics of a named output: `recall("scores") atLeast 0.98`, `meanAbsErr("boxes") atMost 0.1`.
 */
@GraftDslMarker
public class RequireScope internal constructor(private val builder: Recipe.Builder) {
    public val top1Agreement: Requirement.Metric = Requirement.Metric.TOP1_AGREEMENT
    public val relMse: Requirement.Metric = Requirement.Metric.REL_MSE
    public val maxAbsErr: Requirement.Metric = Requirement.Metric.MAX_ABS_ERR

    public infix fun Requirement.Metric.atLeast(bound: Double) {
        val origin = callerOrigin()
        if (!atLeast()) throw Recipe.error(origin, "%s is an error: bound it with atMost", key())
        builder.require(Requirement(this, bound, origin))
    }

    public infix fun Requirement.Metric.atMost(bound: Double) {
        val origin = callerOrigin()
        if (atLeast()) throw Recipe.error(origin, "%s is a share: bound it with atLeast", key())
        builder.require(Requirement(this, bound, origin))
    }

    public fun top1Agreement(output: String): OutputMetric = OutputMetric(Requirement.Metric.TOP1_AGREEMENT, output)
    public fun kl(output: String): OutputMetric = OutputMetric(Requirement.Metric.KL, output)
    public fun accuracy(output: String): OutputMetric = OutputMetric(Requirement.Metric.ACCURACY, output)
    public fun precision(output: String): OutputMetric = OutputMetric(Requirement.Metric.PRECISION, output)
    public fun recall(output: String): OutputMetric = OutputMetric(Requirement.Metric.RECALL, output)
    public fun f1(output: String): OutputMetric = OutputMetric(Requirement.Metric.F1, output)
    public fun meanAbsErr(output: String): OutputMetric = OutputMetric(Requirement.Metric.MEAN_ABS_ERR, output)
    public fun maxAbsErr(output: String): OutputMetric = OutputMetric(Requirement.Metric.MAX_ABS_ERR, output)
    public fun meanCosine(output: String): OutputMetric = OutputMetric(Requirement.Metric.MEAN_COSINE, output)
    public fun relErr(output: String): OutputMetric = OutputMetric(Requirement.Metric.REL_ERR, output)

    public infix fun OutputMetric.atLeast(bound: Double) {
        builder.requireOutput(this, bound, true)
    }

    public infix fun OutputMetric.atMost(bound: Double) {
        builder.requireOutput(this, bound, false)
    }
}

/** The recipe line that called into the DSL: the nearest frame in a `.graft.kts` script, else outside this package. */
internal fun callerOrigin(): Origin {
    val frames = Throwable().stackTrace
    frames.firstOrNull { it.fileName?.endsWith(".graft.kts") == true }?.let {
        return Origin(it.fileName, it.lineNumber)
    }
    val caller = frames.firstOrNull { !it.className.startsWith("dev.graft.dsl.") && it.fileName != null }
    return caller?.let { Origin(it.fileName, it.lineNumber) } ?: Origin.UNKNOWN
}
