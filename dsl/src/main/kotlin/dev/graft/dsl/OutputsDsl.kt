package dev.graft.dsl

import dev.graft.GraftException
import dev.graft.recipe.Recipe
import dev.graft.recipe.Requirement
import dev.graft.verify.OutputRole

/**
 * What a model output means, declared in `outputs { }`:
 *
 * ```kotlin
 * outputs { "scores" to Scores(threshold = 0.7); "boxes" to Boxes(pairedWith = "scores") }
 * ```
 *
 * Each maps onto one [OutputRole]; [bound] (when given) replaces the default bound a TFLite
 * verification applies to the role's primary metric.
 */
public sealed class Role {
    internal abstract fun of(output: String): OutputRole
}

/** One class per row of the last axis: [logits] (default) or probabilities. */
public class Classes(private val logits: Boolean = true, private val bound: Double = Double.NaN) : Role() {
    override fun of(output: String): OutputRole = OutputRole.classes(output, logits).withBound(bound)
}

/** Independent per-anchor probabilities decided at [threshold]; with a class axis, [background] is no decision. */
public class Scores(
    private val threshold: Double = OutputRole.DEFAULT_THRESHOLD,
    private val logits: Boolean = false,
    private val background: Int = 0,
    private val bound: Double = Double.NaN,
) : Role() {
    override fun of(output: String): OutputRole = OutputRole.scores(output, threshold, logits, background).withBound(bound)
}

/** Box regressions read where the teacher's [pairedWith] scores are positive. */
public class Boxes(private val pairedWith: String, private val bound: Double = Double.NaN) : Role() {
    override fun of(output: String): OutputRole = OutputRole.boxes(output, pairedWith).withBound(bound)
}

/** Vectors along the last axis, compared by cosine. */
public class Embedding(private val bound: Double = Double.NaN) : Role() {
    override fun of(output: String): OutputRole = OutputRole.embedding(output).withBound(bound)
}

/** A plain tensor, compared by relative error. */
public class Regression(private val bound: Double = Double.NaN) : Role() {
    override fun of(output: String): OutputRole = OutputRole.regression(output).withBound(bound)
}

/** The body of `outputs { }`: `"NAME" to ROLE`. */
@GraftDslMarker
public class OutputsScope internal constructor(private val builder: Recipe.Builder) {
    public infix fun String.to(role: Role) {
        val origin = callerOrigin()
        val r = try {
            role.of(this)
        } catch (e: GraftException) {
            throw Recipe.error(origin, "%s", e.message)
        }
        builder.output(r)
    }
}

/** A role metric of one output, bounded in `require { }`: `recall("scores") atLeast 0.98`. */
public class OutputMetric internal constructor(internal val metric: Requirement.Metric, internal val output: String)

/** Adds a role-metric requirement, checking its direction. */
internal fun Recipe.Builder.requireOutput(m: OutputMetric, bound: Double, atLeast: Boolean) {
    val origin = callerOrigin()
    if (m.metric.atLeast() != atLeast) {
        throw Recipe.error(origin, "%s is %s: bound it with %s", m.metric.key(),
            if (m.metric.atLeast()) "a share" else "an error", if (m.metric.atLeast()) "atLeast" else "atMost")
    }
    require(Requirement(m.metric, m.output, bound, origin))
}
