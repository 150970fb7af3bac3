package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.choice
import dev.graft.exec.Device
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
