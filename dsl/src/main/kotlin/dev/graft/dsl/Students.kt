package dev.graft.dsl

import dev.graft.replace.StudentSpec

/*
 * Students as values, for `replace(from, to, student = ...)`. Each factory makes one
 * StudentSpec record, checked at once: a bad size is an error at the recipe line that wrote it.
 */

/** A linear map, fitted in closed form by ridge least squares ([ridge] relative to the inputs' scale). */
public fun linear(ridge: Double = 1e-6): StudentSpec = located(callerOrigin()) { StudentSpec.Linear(ridge) }

/** An MLP of [depth] hidden layers of [hidden] units each. */
public fun mlp(hidden: Int = 256, depth: Int = 1, activation: StudentSpec.Activation = Relu): StudentSpec =
    located(callerOrigin()) { StudentSpec.Mlp(hidden, depth, activation) }

/** One pre-norm attention block of [heads] heads and a feed-forward layer [ffn] wide. */
public fun attentionFfn(heads: Int = 4, ffn: Int = 128, activation: StudentSpec.Activation = Gelu): StudentSpec =
    located(callerOrigin()) { StudentSpec.AttentionFfn(heads, ffn, activation) }

/** The region's own conv stack keeping [fraction] of its free channels, chosen by SOMP. */
public fun thinConv(fraction: Double = 0.5): StudentSpec = located(callerOrigin()) { StudentSpec.ThinConv(fraction) }

/** Drop the region (identity), where its entry and exit have the same shape. */
public fun skip(): StudentSpec = StudentSpec.Skip()

/** ReLU hidden layers (an mlp's default). */
public val Relu: StudentSpec.Activation = StudentSpec.Activation.RELU

/** Exact GELU (an attention-ffn's default). */
public val Gelu: StudentSpec.Activation = StudentSpec.Activation.GELU
