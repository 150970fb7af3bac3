package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.groups.provideDelegate
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.enum
import com.github.ajalt.clikt.parameters.types.int
import com.github.ajalt.clikt.parameters.types.path
import com.github.ajalt.clikt.parameters.types.restrictTo
import dev.graft.data.Calibration
import dev.graft.report.Json
import dev.graft.graph.Dims
import dev.graft.tflite.ConvertOptions
import dev.graft.tflite.IoLayout
import dev.graft.tflite.Precision
import dev.graft.tflite.TfliteExport
import dev.graft.io.AtomicFiles
import java.nio.file.Path

/** `graft convert MODEL.onnx -o OUT.tflite [--precision ...] [--calibration DATA] [--verify]`. */
internal class ConvertCommand : CliktCommand(name = "convert") {
    override fun help(context: Context): String =
        """Write an ONNX model as TFLite at fp32, fp16, int8-dynamic or int8; --verify runs it in LiteRT and compares with ONNX Runtime.

        Layout: tensors are NHWC inside, and image inputs and outputs are NHWC too (--io-layout nhwc, the default: a rank-4 input or output the file computes on in NHWC, e.g. [1,3,240,320] in ONNX is [1,240,320,3] in the file, as Android bitmaps and camera frames are laid out); every other input and output keeps ONNX's axis order. The file has no more TRANSPOSE ops than the ONNX model has Transposes: one for each layout change the model itself computes (channel and pixel shuffles), none in conv nets without them. --io-layout nchw keeps ONNX's axis order for every input and output, at one TRANSPOSE after each NCHW image input and before each NCHW image output. The summary (io) and --json (io) give each input's and output's layout and shape in the file, and the file's metadata graft_io_layout says NAME=NHWC or NAME=ONNX for each.

        Precisions: fp32; fp16 (the filter and bias of every conv and fully connected layer, and other constants of 64+ elements, in fp16, which LiteRT dequantizes once at load: float32 kernels, about half the size; a layer whose bias fp16 would round more than its filter stays float32, listed as a float layer); int8-dynamic (fully connected filters int8 per channel, run by hybrid kernels; conv filters int8 per channel dequantized at load and run by float32 kernels, listed as float layers; about a third of the size); int8 (int8 weights and activations calibrated on --calibration DATA; HARD_SWISH, whose int8 kernel LiteRT runs about 6x slower, stays float32 between DEQUANTIZE and QUANTIZE, listed as a float layer). fp16 and int8-dynamic are laid out so that LiteRT's CPU path runs them at least as fast as the fp32 file.

        --verify bounds: fp32 1e-4 and fp16 2e-2 of each output's scale (largest error over the scale); int8 and int8-dynamic each output's role metric (--role; inspect shows the inferred roles): classes 99% top-1 agreement, scores an F1 of 0.95, boxes a mean absolute error of 0.1 on the teacher's positive anchors, embedding a mean cosine of 0.99, regression a relative error of 0.1. Past the bound nothing is written, the status is 1 and the first layers (module paths) whose values leave the bound are named; --explain names them even when the outputs keep it; --json always prints the verification."""
            .trimIndent()

    private val model by modelArgument()
    private val output by option("-o", "--output", metavar = "OUT.tflite", help = "the .tflite to write")
        .path(canBeDir = false).required()
    private val precision by option("--precision", help = "numeric precision of the written file (see Precisions above)")
        .enum<Precision> { it.label() }.default(Precision.FP32, defaultForHelp = "fp32")
    private val calibration by calibrationOption("samples for int8 ranges and for --verify")
    private val verify by option("--verify", help = "run the file in LiteRT and compare with ONNX Runtime (exit 1 past the bound, naming the first layers past it)").flag()
    private val explain by option("--explain", help = "with --verify: name the first layers past the bound even when the outputs keep it").flag()
    private val ioLayout by option("--io-layout", help = "nhwc: image inputs and outputs channels-last (default); nchw: every input and output in ONNX's axis order")
        .enum<IoLayout> { it.label() }.default(IoLayout.NHWC, defaultForHelp = "nhwc")
    private val nhwcIo by option("--nhwc-io", help = "deprecated alias of --io-layout nhwc, the default").flag()
    private val int8Io by option("--int8-io", help = "with --precision int8: int8 inputs and outputs (no boundary QUANTIZE/DEQUANTIZE)").flag()
    private val batch by option("--batch", metavar = "N", help = "size given to the symbolic batch axis (the first; other axes: --dim)")
        .int().restrictTo(min = 1).default(1)
    private val dims by dimOption()
    private val json by jsonOption()
    private val images by ImageOptionsGroup()
    private val roles by roleOption()

    override fun run() = graftCall {
        AtomicFiles.refuseInputs(output, listOf(model) + calibration.map { Path.of(it.substringAfter('=')) }, "output")
        val graph = readModel(model, dims)
        if (nhwcIo && ioLayout == IoLayout.NCHW) throw GraftCliError("--nhwc-io contradicts --io-layout nchw", ExitStatus.BAD_INPUT)
        if (nhwcIo) echo("graft: --nhwc-io is deprecated: NHWC image inputs and outputs are the default (--io-layout nhwc)", err = true)
        var options = ConvertOptions.defaults().withPrecision(precision).withIoLayout(ioLayout).withInt8Io(int8Io).withBatch(batch)
            .withDims(Dims.parse(dims))
        if (calibration.isNotEmpty()) {
            Calibration.open(calibration, graph, images.options()).use { options = options.withCalibration(TfliteExport.samples(it, 512)) }
        }
        if (explain && !verify) throw GraftCliError("--explain needs --verify", ExitStatus.BAD_INPUT)
        val outcome = TfliteExport.attempt(TfliteExport.Request(model, output, options, verify,
            dev.graft.tflite.Verification.Bound.forPrecision(options.precision(), parseRoles(roles)), explain))
        val result = linkedMapOf<String, Any?>(
            "model" to model.toString(), "output" to outcome.written()?.toString(), "precision" to precision.label(),
            "bytes" to outcome.result().bytes().size, "ops" to outcome.result().opCounts(),
            "io" to outcome.result().io().map { it.toMap() },
            "float_layers" to outcome.result().floatLayers().map { linkedMapOf("layer" to it.layer(), "op" to it.op(), "reason" to it.reason()) },
        )
        outcome.verification().ifPresent { v ->
            result["verification"] = linkedMapOf(
                "runtime" to "litert-wasm", "passed" to (outcome.failure() == null), "failure" to outcome.failure(),
                "samples" to v.samples(), "max_abs_err" to v.maxAbsErr(),
                "worst_relative_error" to v.worstRelativeError(), "top1_agreement" to v.top1Agreement(),
                "outputs" to v.outputs().map {
                    linkedMapOf("name" to it.name(), "max_abs_err" to it.maxAbsErr(), "scale" to it.scale(), "relative_error" to it.relativeError())
                },
                "roles" to dev.graft.verify.RoleEvaluator.section(v.roles()),
                "drift" to outcome.drift().map {
                    linkedMapOf("value" to it.value(), "layers" to it.layers(), "max_abs_err" to it.maxAbsErr(), "scale" to it.scale(), "relative_error" to it.relativeError())
                },
            )
        }
        if (json) {
            echo(Json.write(result))
        } else if (outcome.failure() == null) {
            echo("wrote $output: ${Format.count(outcome.result().bytes().size.toLong())} bytes, ${precision.label()}")
            echo("ops   " + outcome.result().opCounts().entries.joinToString(" ") { (k, v) -> if (v == 1) k else "$k×$v" })
            echo("io    " + ioSummary(outcome.result().io()))
            outcome.result().warnings().forEach { echo("note  $it") }
            floatSummary(outcome.result().floatLayers())?.let { echo("float $it") }
            outcome.verification().ifPresent { v ->
                echo("LiteRT vs ONNX Runtime on ${v.samples()} samples: max abs error ${Format.sci(v.maxAbsErr())} " +
                    "(${Format.sci(v.worstRelativeError())} of the output scale), top-1 agreement ${Format.percent(v.top1Agreement())}")
                roleLines(v.roles()).forEach { echo("role  $it") }
            }
            outcome.drift().forEach { echo("drift ${driftLine(it)}") }
        }
        outcome.failure()?.let { throw GraftCliError(it + TfliteExport.driftText(outcome.drift()), ExitStatus.FAILURE) }
    }
}

/** Each input's and output's shape and layout in the file: `input [1,240,320,3] NHWC; scores [1,4420,2] ONNX`. */
internal fun ioSummary(io: List<dev.graft.tflite.ConvertResult.Io>): String =
    io.joinToString("; ") { "${if (it.input()) "in" else "out"} ${it.name()} ${it.shape().joinToString(",", "[", "]")} ${it.layoutName()}" }

/** One located drift: the layers, the value and its error. */
internal fun driftLine(d: dev.graft.tflite.DriftLocator.Drift): String =
    "${d.layers().joinToString(" > ")} (${d.value()}): max abs error ${Format.sci(d.maxAbsErr())} " +
        "(${Format.sci(d.relativeError())} of its scale ${Format.sci(d.scale())})"

/** One line on the layers left computing in float32: how many of each op, why, the first names. */
internal fun floatSummary(layers: List<dev.graft.tflite.ConvertResult.FloatLayer>): String? {
    if (layers.isEmpty()) return null
    val ops = layers.groupingBy { it.op() }.eachCount().entries.joinToString(" ") { (k, v) -> if (v == 1) k else "$k×$v" }
    val names = layers.take(3).joinToString(", ") { it.layer() } + if (layers.size > 3) ", +${layers.size - 3} more" else ""
    val reasons = layers.map { it.reason() }.distinct().joinToString("; ")
    return "${layers.size} layer(s) run float32 kernels ($ops: $names): $reasons"
}
