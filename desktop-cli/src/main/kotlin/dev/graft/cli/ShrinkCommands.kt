package dev.graft.cli

import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.groups.mutuallyExclusiveOptions
import com.github.ajalt.clikt.parameters.groups.provideDelegate
import com.github.ajalt.clikt.parameters.groups.required
import com.github.ajalt.clikt.parameters.groups.single
import com.github.ajalt.clikt.parameters.options.convert
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.enum
import com.github.ajalt.clikt.parameters.types.int
import com.github.ajalt.clikt.parameters.types.restrictTo
import dev.graft.GraftException
import dev.graft.recipe.Step

/** `graft thin MODEL --layers PATTERN --keep FRACTION --calibration DATA -o OUT.onnx`. */
internal class ThinCommand : StepCommand("thin") {
    override fun help(context: Context): String =
        "Keep a fraction of the output channels of the layers PATTERN names, chosen by SOMP so " +
            "the next layers are best reconstructed (or by magnitude), and refit the next layers."

    /** How the kept channels are chosen. */
    enum class Select { SOMP, MAGNITUDE }

    private val layers by option("--layers", metavar = "PATTERN", help = "module paths, node names or globs (stage2.*), comma-separated").required()
    private val keep by option("--keep", metavar = "FRACTION", help = "share of the channels kept, in (0, 1]")
        .fraction().required()
    private val multiple by option("--multiple", metavar = "M", help = "round channel counts to a multiple of this")
        .int().restrictTo(1, Step.Thin.MAX_MULTIPLE).default(8)
    private val select by option("--select", help = "how channels are chosen: somp, or magnitude (the baseline)")
        .enum<Select> { it.name.lowercase() }.default(Select.SOMP, defaultForHelp = "somp")

    override fun step(): Step = Step.Thin(layers, keep, multiple, select == Select.MAGNITUDE, origin)
}

/** `graft lowrank MODEL --layers PATTERN (--rank R | --energy E) [--calibration DATA] -o OUT.onnx`. */
internal class LowRankCommand : StepCommand("lowrank") {
    override fun help(context: Context): String =
        "Factorize the layers PATTERN names into two thinner layers by SVD (data-aware with " +
            "calibration data); layers that would not shrink are left alone."

    private val layers by option("--layers", metavar = "PATTERN", help = "module paths, node names or globs, comma-separated").required()
    private val size by mutuallyExclusiveOptions<Number>(
        option("--rank", metavar = "R", help = "rank of every factorized layer").int().restrictTo(min = 1),
        option("--energy", metavar = "E", help = "share of the spectrum's energy kept, in (0, 1]").fraction(),
        name = "Size of the factors (one of)",
    ).single().required()

    override fun needsCalibration(): Boolean = false

    override fun step(): Step = when (val s = size) {
        is Int -> Step.LowRank(layers, s, 0.0, calibration.isNotEmpty(), origin)
        else -> Step.LowRank(layers, 0, s.toDouble(), calibration.isNotEmpty(), origin)
    }
}

/** `graft simplify MODEL (--calibration DATA | --input-box LO,HI) -o OUT.onnx`. */
internal class SimplifyCommand : StepCommand("simplify") {
    override fun help(context: Context): String =
        "Exact simplifications: BatchNorm folding, constant folding, and removal of ReLUs that " +
            "never switch on the calibration data or (soundly) on an input box."

    private val box by option("--input-box", metavar = "LO,HI", help = "every input element lies in [LO, HI]; instead of --calibration")
        .convert { text ->
            val parts = text.split(",").map { it.trim().toDoubleOrNull() }
            val lo = parts.getOrNull(0)
            val hi = parts.getOrNull(1)
            if (parts.size != 2 || lo == null || hi == null) fail("$text: expected LO,HI, e.g. 0,1")
            lo to hi
        }

    override fun needsCalibration(): Boolean = box == null

    override fun step(): Step {
        val b = box
        if (b == null && calibration.isEmpty()) throw GraftException.badInput("give --calibration DATA or --input-box LO,HI")
        return Step.Simplify(b?.first, b?.second, origin)
    }

    /** Fidelity on an input box is measured on 2,000 uniform random points of the box. */
    override fun defaultCalibration(): String {
        val (lo, hi) = box!!
        return randomCalibration(lo, hi)
    }
}
