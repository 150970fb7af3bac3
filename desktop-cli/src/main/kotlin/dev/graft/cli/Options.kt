package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.parameters.groups.OptionGroup
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.choice
import dev.graft.exec.Device
import dev.graft.graph.Dims
import dev.graft.graph.Graph
import dev.graft.onnx.OnnxReader
import java.nio.file.Path

/** `--device cpu|cuda`, shared by every command that runs ONNX Runtime. */
internal fun CliktCommand.deviceOption() =
    option("--device", help = "where ONNX Runtime runs: cpu or cuda (the CUDA provider)")
        .choice("cpu", "cuda")
        .default("cpu")

internal fun device(name: String): Device = Device.parse(name)

internal fun readModel(path: String): Graph = OnnxReader.read(Path.of(path))

/** `--dim NAME=SIZE`, repeatable, on every command that reads a model. */
internal fun CliktCommand.dimOption() =
    option("--dim", metavar = "NAME=SIZE", help = "bind a named symbolic dimension of the inputs, e.g. sequence=128 (repeatable)")
        .multiple()

/** The model with the `--dim` bindings applied. */
internal fun readModel(path: String, dims: List<String>): Graph = Dims.bind(readModel(path), Dims.parse(dims))

/** `--image-size HxW [--mean M,..] [--std S,..]`: how an image folder given as DATA becomes tensors. */
internal class ImageOptionsGroup : OptionGroup("When DATA is a folder of images") {
    private val size by option("--image-size", help = "resize the images to HxW")
    private val mean by option("--mean", help = "per-channel mean subtracted after scaling pixels to [0,1]")
    private val std by option("--std", help = "per-channel std divided by after the mean")

    fun options(): dev.graft.data.ImageOptions? = size?.let { dev.graft.data.ImageOptions.parse(it, mean, std) }
}
