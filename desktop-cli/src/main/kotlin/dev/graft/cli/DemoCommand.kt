package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.path
import dev.graft.GraftException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption

/**
 * `graft demo`: the whole pipeline on the embedded default — a pre-norm transformer encoder
 * trained on scikit-learn's digits, and the recipe `examples/demo.graft.kts` that replaces three
 * of its blocks by one smaller block, checks fidelity, and writes ONNX and a verified TFLite file.
 */
internal class DemoCommand : CliktCommand(name = "demo") {
    override fun help(context: Context): String =
        "Run the whole pipeline on the embedded default model (a transformer encoder trained on " +
            "the digits data set) and show what changed."

    private val out by option("--out", metavar = "DIR", help = "where the demo's files go").path(canBeFile = false).default(Path.of("graft-demo"))
    private val noCache by option("--no-cache", help = "redo every step even if an earlier run finished it").flag()

    override fun run() = graftCall {
        val dir = out.toAbsolutePath()
        Files.createDirectories(dir)
        for (name in FILES) {
            val stream = DemoCommand::class.java.getResourceAsStream("demo/$name")
                ?: throw GraftException.failure("the demo's %s is missing from this build", name)
            stream.use { Files.copy(it, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING) }
        }
        val recipeFile = dir.resolve("demo.graft.kts")
        echo("graft demo: teacher ${dir.resolve("transformer_encoder.onnx")}, recipe $recipeFile")
        echo(Files.readString(recipeFile).trim().prependIndent("  "))
        echo("")
        compress(recipeFile, dir, dir, json = false, noCache = noCache)
    }

    private companion object {
        val FILES = listOf("demo.graft.kts", "transformer_encoder.onnx", "train_x_tokens.npy", "test_x_tokens.npy", "test_y.npy")
    }
}
