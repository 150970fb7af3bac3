package dev.graft.cli

import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.choice
import com.github.ajalt.clikt.parameters.types.double
import com.github.ajalt.clikt.parameters.types.int
import dev.graft.GraftException
import dev.graft.data.Npy
import dev.graft.data.RandomSource
import dev.graft.graph.ShapeInference
import dev.graft.recipe.Step
import java.nio.file.Files

/** `graft thin MODEL --layers PATTERN --keep FRACTION --calibration DATA -o OUT.onnx`. */
internal class ThinCommand : StepCommand("thin") {
    override fun help(context: Context): String =
        "Keep a fraction of the output channels of the layers PATTERN names, chosen by SOMP so " +
            "the next layers are best reconstructed (or by magnitude), and refit the next layers."

    private val layers by option("--layers", help = "module paths, node names or globs (stage2.*), comma-separated").required()
    private val keep by option("--keep", help = "fraction of channels kept, in (0, 1]").double().required()
    private val multiple by option("--multiple", help = "round channel counts to a multiple of this").int().default(8)
    private val select by option("--select", help = "somp (default) or magnitude (the baseline)").choice("somp", "magnitude").default("somp")

    override fun step(): Step = Step.Thin(layers, keep, multiple, select == "magnitude", origin)
}

/** `graft lowrank MODEL --layers PATTERN (--rank R | --energy E) [--calibration DATA] -o OUT.onnx`. */
internal class LowRankCommand : StepCommand("lowrank") {
    override fun help(context: Context): String =
        "Factorize the layers PATTERN names into two thinner layers by SVD (data-aware with " +
            "calibration data); layers that would not shrink are left alone."

    private val layers by option("--layers", help = "module paths, node names or globs, comma-separated").required()
    private val rank by option("--rank", help = "rank of every factorized layer").int()
    private val energy by option("--energy", help = "share of the spectrum's energy kept, in (0, 1]").double()

    override fun step(): Step {
        if ((rank == null) == (energy == null)) {
            throw GraftException.badInput("give exactly one of --rank R or --energy E")
        }
        rank?.let { if (it <= 0) throw GraftException.badInput("--rank %d must be positive", it) }
        energy?.let { if (!(it > 0 && it <= 1)) throw GraftException.badInput("--energy %s must be in (0, 1]", it) }
        return Step.LowRank(layers, rank ?: 0, energy ?: 0.0, origin)
    }
}

/** `graft simplify MODEL (--calibration DATA | --input-box LO,HI) -o OUT.onnx`. */
internal class SimplifyCommand : StepCommand("simplify") {
    override fun help(context: Context): String =
        "Exact simplifications: BatchNorm folding, constant folding, and removal of ReLUs that " +
            "never switch on the calibration data or (soundly) on an input box."

    private val box by option("--input-box", help = "LO,HI: every input element lies in [LO, HI]")

    private fun bounds(): Pair<Double, Double>? = box?.let {
        val parts = it.split(",")
        val lo = parts.getOrNull(0)?.trim()?.toDoubleOrNull()
        val hi = parts.getOrNull(1)?.trim()?.toDoubleOrNull()
        if (parts.size != 2 || lo == null || hi == null) throw GraftException.badInput("--input-box %s: expected LO,HI, e.g. 0,1", it)
        if (lo > hi) throw GraftException.badInput("--input-box %s: LO %s is above HI %s", it, lo, hi)
        lo to hi
    }

    override fun needsCalibration(): Boolean = box == null

    override fun step(): Step {
        val b = bounds()
        if (b == null && calibration.isEmpty()) throw GraftException.badInput("give --calibration DATA or --input-box LO,HI")
        return Step.Simplify(b?.first, b?.second, origin)
    }

    /** Fidelity on an input box is measured on 2,000 uniform random points of the box. */
    override fun randomCalibration(): String {
        val (lo, hi) = bounds()!!
        val g = ShapeInference.infer(readModel(model))
        if (g.inputs().size != 1) throw GraftException.badInput("--input-box needs a single-input model; give --calibration name=X.npy")
        val v = g.inputs()[0]
        val rowShape = v.shape().dims().drop(1).map { if (it.isKnown) it.value() else 1L }.toLongArray()
        val source = RandomSource(mapOf(v.name() to rowShape), 2000, seed, lo.toFloat(), hi.toFloat())
        val file = Files.createTempFile("graft-box", ".npy")
        file.toFile().deleteOnExit()
        Npy.write(file, source.batch(0, 2000)[v.name()])
        return file.toString()
    }
}
