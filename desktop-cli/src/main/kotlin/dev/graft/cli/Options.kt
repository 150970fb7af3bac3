package dev.graft.cli

import com.github.ajalt.clikt.core.BaseCliktCommand
import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.core.terminal
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.groups.OptionGroup
import com.github.ajalt.clikt.parameters.options.OptionWithValues
import com.github.ajalt.clikt.parameters.options.RawOption
import com.github.ajalt.clikt.parameters.options.convert
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.validate
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.enum
import com.github.ajalt.clikt.parameters.types.path
import dev.graft.exec.Device
import dev.graft.graph.Dims
import dev.graft.graph.Graph
import dev.graft.onnx.OnnxReader
import java.nio.file.Path

/*
 * The options several commands share, each defined once so that its name, metavar and help read
 * the same everywhere.
 */

/** `--device cpu|cuda`, shared by every command that runs ONNX Runtime. */
internal fun CliktCommand.deviceOption() =
    option("--device", help = "where ONNX Runtime runs (cuda: its CUDA provider)")
        .enum<Device> { it.cliName() }
        .default(Device.CPU, defaultForHelp = "cpu")

/** `MODEL`: an existing model file. */
internal fun CliktCommand.modelArgument(help: String = "the ONNX model") =
    argument("MODEL", help = help).path(mustExist = true, canBeDir = false)

/** `--json`: the same words on every command. */
internal fun CliktCommand.jsonOption() =
    option("--json", help = "print the result as JSON on standard output instead of text").flag()

/** `--calibration DATA`, repeatable: the samples a command measures or fits on. */
internal fun CliktCommand.calibrationOption(help: String) =
    option("--calibration", metavar = "DATA", help = "$help; $DATA_FORMS").multiple()

/** How DATA may be given, in every help line that takes it. */
internal const val DATA_FORMS: String =
    "DATA is X.npy (leading batch axis), NAME=X.npy per model input (repeat the option), or a folder of images"

internal fun readModel(path: Path): Graph = OnnxReader.read(path)

/** `--dim NAME=SIZE`, repeatable, on every command that reads a model. */
internal fun CliktCommand.dimOption() =
    option("--dim", metavar = "NAME=SIZE", help = "bind a named symbolic dimension of the inputs, e.g. sequence=128 (repeatable)")
        .multiple()

/** The model with the `--dim` bindings applied. */
internal fun readModel(path: Path, dims: List<String>): Graph = Dims.bind(readModel(path), Dims.parse(dims))

/** `--image-size HxW [--mean M,..] [--std S,..]`: how an image folder given as DATA becomes tensors. */
internal class ImageOptionsGroup : OptionGroup("When DATA is a folder of images") {
    private val size by option("--image-size", metavar = "HxW", help = "resize the images to H×W pixels (required for an image folder)")
    private val mean by option("--mean", metavar = "M,..", help = "per-channel mean subtracted after scaling pixels to [0,1] (one value or one per channel)")
    private val std by option("--std", metavar = "S,..", help = "per-channel std divided by after the mean (one value or one per channel)")

    fun options(): dev.graft.data.ImageOptions? = size?.let { dev.graft.data.ImageOptions.parse(it, mean, std) }
}

/**
 * An old option name kept for users' scripts: hidden from help, it prints a deprecation line on
 * standard error when used and otherwise works as [new] does. Give it the same conversions as the
 * new option, then [deprecatedAlias].
 */
internal fun BaseCliktCommand<*>.renamedOption(old: String, new: String, metavar: String? = null) =
    option(old, hidden = true, metavar = metavar, help = "deprecated name of $new")

/** Marks [old] deprecated in favour of [new]: using it prints one line on standard error. */
internal fun <AllT, EachT, ValueT> OptionWithValues<AllT, EachT, ValueT>.deprecatedAlias(old: String, new: String) =
    validate { value ->
        if (value !is List<*> || value.isNotEmpty()) {
            context.terminal.println("graft: $old is deprecated, use $new (it will be removed)", stderr = true)
        }
    }

/** The value of a renamed option: the new name's, else the old one's; both given is a usage error. */
internal fun <T> renamed(newValue: T?, oldValue: T?, new: String, old: String): T? {
    if (newValue != null && oldValue != null) throw UsageError("give $new only ($old is its deprecated name)")
    return newValue ?: oldValue
}

/** The same for repeatable options. */
internal fun <T> renamed(newValues: List<T>, oldValues: List<T>, new: String, old: String): List<T> {
    if (newValues.isNotEmpty() && oldValues.isNotEmpty()) throw UsageError("give $new only ($old is its deprecated name)")
    return newValues.ifEmpty { oldValues }
}

/** A share in (0, 1]: a kept fraction of channels or of a spectrum's energy. */
internal fun RawOption.fraction() = convert("FRACTION") { text ->
    val v = text.toDoubleOrNull() ?: fail("$text is not a number")
    if (!(v > 0 && v <= 1)) fail("$text is not in (0, 1]")
    v
}
