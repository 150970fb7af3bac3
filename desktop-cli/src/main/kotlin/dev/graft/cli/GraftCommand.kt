package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.context
import com.github.ajalt.clikt.core.subcommands
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.versionOption

/** The root `graft` command; it only dispatches. */
internal class GraftCommand : CliktCommand(name = "graft") {
    init {
        context { helpFormatter = { OneLineUsageErrors(it) } }
        versionOption(VERSION, names = setOf("--version"), message = { "graft $it\nsvd: ${dev.graft.linalg.Svd.backend()}" })
    }

    override fun help(context: Context): String =
        "Compress trained neural networks for phones: graft students, thin, factorize, " +
            "simplify, quantize, export TFLite."

    private val verbose by option("--verbose", help = "show ONNX Runtime's own log lines (graph warnings)").flag()

    override fun run() {
        dev.graft.exec.Ort.verbose(verbose)
    }
}

/** The project version from the pom: the one Graft writes into every file it makes. */
internal val VERSION: String get() = dev.graft.onnx.OnnxWriter.GRAFT_VERSION

/** The command tree, one class per subcommand. */
public fun graftCommand(): CliktCommand =
    GraftCommand().subcommands(
        InspectCommand(),
        EvalCommand(),
        ReplaceCommand(),
        ThinCommand(),
        LowRankCommand(),
        SimplifyCommand(),
        ConvertCommand(),
        CompressCommand(),
        BenchCommand(),
        DemoCommand(),
    )
