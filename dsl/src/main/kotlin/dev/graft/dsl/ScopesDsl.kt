package dev.graft.dsl

import dev.graft.recipe.Recipe
import dev.graft.recipe.Requirement
import dev.graft.recipe.Step
import dev.graft.tflite.Precision
import java.nio.file.Path

/** Export targets inside `export { }`: `onnx("out/model.onnx"); tflite("out/model.tflite", precision = Int8)`. */
@GraftDslMarker
public class ExportScope internal constructor(private val builder: Recipe.Builder) {
    /** Writes the result as ONNX. */
    public fun onnx(path: Path) {
        builder.step(Step.ExportOnnx(path, callerOrigin()))
    }

    /** Writes the result as ONNX. */
    public fun onnx(path: String): Unit = onnx(Path.of(path))

    /** Writes the result as TFLite at [precision] ([Fp32], [Fp16], [Int8Dynamic], [Int8]), verified in LiteRT. */
    public fun tflite(path: Path, precision: Precision = Fp32) {
        builder.step(Step.ExportTflite(path, precision, callerOrigin()))
    }

    /** Writes the result as TFLite at [precision] ([Fp32], [Fp16], [Int8Dynamic], [Int8]), verified in LiteRT. */
    public fun tflite(path: String, precision: Precision = Fp32): Unit = tflite(Path.of(path), precision)
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
