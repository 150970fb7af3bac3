package dev.graft.dsl

import dev.graft.GraftException
import dev.graft.data.ImageOptions
import dev.graft.recipe.Origin
import dev.graft.recipe.Recipe
import dev.graft.recipe.Step
import dev.graft.replace.StudentSpec
import java.nio.file.Path

/** Marks the receivers of the recipe DSL, so inner blocks cannot call outer scopes by accident. */
@DslMarker
internal annotation class GraftDslMarker

/**
 * A compression recipe in Kotlin code:
 *
 * ```kotlin
 * val recipe = graft {
 *     teacher("encoder.onnx"); calibration("calib.npy", heldOut = 0.2)
 *     replace(from = "blocks.2", to = "blocks.4", student = attentionFfn(heads = 4, ffn = 128))
 *     simplify(); thin("stage2.*", keep = 0.5)
 *     export { onnx("out/model.onnx"); tflite("out/model.tflite", precision = Int8) }
 *     require { top1Agreement atLeast 0.99 }
 * }
 * ```
 *
 * Every call maps onto one call of the Java [Recipe.Builder]; mistakes are reported with the
 * `file:line` of the call. A `.graft.kts` file is the body of this block itself (see [GraftScript]).
 */
public fun graft(block: RecipeScope.() -> Unit): Recipe {
    val scope = RecipeScope()
    scope.block()
    return scope.build()
}

/** The body of a recipe: `graft { }` in Kotlin code, the whole file in a `.graft.kts` script. */
@GraftDslMarker
public open class RecipeScope internal constructor() {
    internal val builder: Recipe.Builder = Recipe.builder()

    internal fun build(): Recipe = builder.build()

    /** The model to compress. */
    public fun teacher(model: Path) {
        builder.teacher(model, callerOrigin())
    }

    /** The model to compress. */
    public fun teacher(model: String): Unit = teacher(Path.of(model))

    /**
     * Calibration data (DATA forms as on the command line: `X.npy`, `name=X.npy` per model input,
     * or a folder of images); [heldOut] of it is kept aside to measure fidelity.
     */
    public fun calibration(vararg data: String, heldOut: Double = 0.2) {
        builder.calibration(data.toList(), heldOut, callerOrigin())
    }

    /** Calibration data files or image folders; [heldOut] of it is kept aside to measure fidelity. */
    public fun calibration(vararg data: Path, heldOut: Double = 0.2) {
        builder.calibration(data.map { it.toString() }, heldOut, callerOrigin())
    }

    /**
     * How image folders given as data become tensors: [size] `240 by 320` (height by width), and
     * the per-channel [mean] and [std] applied after scaling pixels to [0, 1] (one value: every
     * channel).
     */
    public fun images(size: Size, mean: List<Double>? = null, std: List<Double>? = null) {
        val origin = callerOrigin()
        builder.images(located(origin) {
            ImageOptions.of(
                size.height, size.width,
                (mean ?: listOf(0.0)).map { it.toFloat() }.toFloatArray(),
                (std ?: listOf(1.0)).map { it.toFloat() }.toFloatArray(),
                ImageOptions.Wording.RECIPE,
            )
        })
    }

    /** Integer class labels of the calibration samples, for accuracy. */
    public fun labels(file: Path) {
        builder.labels(file)
    }

    /** Integer class labels of the calibration samples, for accuracy. */
    public fun labels(file: String): Unit = labels(Path.of(file))

    /** Data to measure the result on (instead of the held-out calibration rows), with labels for accuracy. */
    public fun test(vararg data: String, labels: String? = null) {
        builder.test(data.toList(), labels?.let { Path.of(it) })
    }

    /** Data to measure the result on (instead of the held-out calibration rows), with labels for accuracy. */
    public fun test(vararg data: Path, labels: Path? = null) {
        builder.test(data.map { it.toString() }, labels)
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
     * Replace layers [from]..[to] by [student] (`linear()`, `mlp(...)`, `attentionFfn(...)`,
     * `thinConv(...)` or `skip()`), trained [epochs] epochs (null: the trainer's default, with
     * early stopping), then fine-tuned [finetune] epochs through the frozen rest of the model
     * (null: not); [sideInputs] are model inputs (masks, positions) the region may read besides
     * its entry, with what the model computes from them alone (an additive `[.., tokens, tokens]`
     * mask is added to `attentionFfn`'s scores).
     */
    public fun replace(
        from: String,
        to: String = from,
        student: StudentSpec,
        epochs: Int? = null,
        finetune: Int? = null,
        sideInputs: List<String> = emptyList(),
    ) {
        val origin = callerOrigin()
        // 0 is the Java step's "not given"; here that is null, so an explicit 0 is a mistake
        if (epochs == 0 || finetune == 0) {
            throw Recipe.error(origin, "replace %s..%s: %s = 0 trains nothing; leave it out for %s", from, to,
                if (epochs == 0) "epochs" else "finetune", if (epochs == 0) "the default" else "no fine-tuning")
        }
        builder.step(Step.Replace(from, to, student, epochs ?: 0, finetune ?: 0, sideInputs, origin))
    }

    /**
     * Keep [keep] of the output channels of the layers [layers] name (module paths, node names or
     * globs such as `stage2.*`), chosen by SOMP (or by [magnitude]), counts rounded to [multiple].
     */
    public fun thin(vararg layers: String, keep: Double, multiple: Int = 8, magnitude: Boolean = false) {
        builder.step(Step.Thin(patterns(layers), keep, multiple, magnitude, callerOrigin()))
    }

    /**
     * Factorize the layers [layers] name, at [rank] or keeping [energy] of the spectrum (give
     * exactly one); [dataAware] fits the factors to the layers' recorded inputs.
     */
    public fun lowRank(vararg layers: String, rank: Int? = null, energy: Double? = null, dataAware: Boolean = true) {
        builder.step(Step.LowRank(patterns(layers), rank ?: 0, energy ?: 0.0, dataAware, callerOrigin()))
    }

    /**
     * Exact simplifications on the calibration domain, or (sound) on the input box [inputBox]
     * (`simplify(inputBox = 0.0..1.0)`: every input element lies in it).
     */
    public fun simplify(inputBox: ClosedFloatingPointRange<Double>? = null) {
        builder.step(Step.Simplify(inputBox?.start, inputBox?.endInclusive, callerOrigin()))
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

    private fun patterns(layers: Array<out String>): String = layers.joinToString(",")
}

/**
 * The recipe line that called into the DSL: the nearest frame in a `.graft.kts` script, else the
 * nearest frame of code that is not the DSL's own (loaded from elsewhere than this class).
 */
internal fun callerOrigin(): Origin {
    val dsl = RecipeScope::class.java.protectionDomain?.codeSource?.location
    val frame = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk { frames ->
        val all = frames.toList()
        all.firstOrNull { it.fileName?.endsWith(".graft.kts") == true }
            ?: all.firstOrNull { it.fileName != null && it.declaringClass.protectionDomain?.codeSource?.location != dsl }
    }
    return frame?.let { Origin(it.fileName, it.lineNumber) } ?: Origin.UNKNOWN
}

/** Runs [make], giving a bad-input error that names no place the recipe line [origin]. */
internal fun <T> located(origin: Origin, make: () -> T): T =
    try {
        make()
    } catch (e: GraftException) {
        if (e.kind() != GraftException.Kind.BAD_INPUT || e.message!!.startsWith("$origin:")) throw e
        throw Recipe.error(origin, "%s", e.message)
    }
