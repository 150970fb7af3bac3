package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.groups.provideDelegate
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.choice
import com.github.ajalt.clikt.parameters.types.int
import dev.graft.data.Calibration
import dev.graft.report.Json
import dev.graft.tflite.ConvertOptions
import dev.graft.tflite.Precision
import dev.graft.tflite.TfliteExport
import java.nio.file.Path

/** `graft convert MODEL.onnx -o OUT.tflite [--precision ...] [--calibration DATA] [--verify]`. */
internal class ConvertCommand : CliktCommand(name = "convert") {
    override fun help(context: Context): String =
        "Write an ONNX model as TFLite (NHWC, no inner transposes) at fp32, fp16, int8-dynamic " +
            "or int8; --verify runs it in LiteRT and compares with ONNX Runtime."

    private val model by argument("MODEL", help = "an ONNX model")
    private val output by option("-o", "--output", help = "the .tflite to write").required()
    private val precision by option("--precision").choice("fp32", "fp16", "int8-dynamic", "int8").default("fp32")
    private val calibration by option("--calibration", help = "DATA for int8 ranges and verification").multiple()
    private val verify by option("--verify", help = "run the file in LiteRT and compare with ONNX Runtime (exit 1 past the bound)").flag()
    private val nhwcIo by option("--nhwc-io", help = "NHWC inputs and outputs instead of the ONNX layout").flag()
    private val int8Io by option("--int8-io", help = "with --precision int8: int8 inputs and outputs (no boundary QUANTIZE/DEQUANTIZE)").flag()
    private val batch by option("--batch", help = "size given to the symbolic batch axis").int().default(1)
    private val json by option("--json", help = "print the result as JSON").flag()
    private val images by ImageOptionsGroup()
    private val roles by roleOption()

    override fun run() = graftCall {
        val graph = readModel(model)
        var options = ConvertOptions.defaults().withPrecision(Precision.parse(precision)).withNhwcIo(nhwcIo).withInt8Io(int8Io).withBatch(batch)
        if (calibration.isNotEmpty()) {
            Calibration.open(calibration, graph, images.options()).use { options = options.withCalibration(TfliteExport.samples(it, 512)) }
        }
        val outcome = TfliteExport.run(TfliteExport.Request(Path.of(model), Path.of(output), options, verify,
            dev.graft.tflite.Verification.Bound.forPrecision(options.precision(), parseRoles(roles))))
        val result = linkedMapOf<String, Any?>(
            "model" to model, "output" to output, "precision" to precision,
            "bytes" to outcome.result().bytes().size, "ops" to outcome.result().opCounts(),
        )
        outcome.verification().ifPresent { v ->
            result["verification"] = linkedMapOf(
                "runtime" to "litert-wasm", "samples" to v.samples(), "max_abs_err" to v.maxAbsErr(),
                "worst_relative_error" to v.worstRelativeError(), "top1_agreement" to v.top1Agreement(),
                "roles" to dev.graft.verify.RoleEvaluator.section(v.roles()),
            )
        }
        if (json) {
            echo(Json.write(result))
        } else {
            echo("wrote $output: ${Format.count(outcome.result().bytes().size.toLong())} bytes, $precision")
            echo("ops   " + outcome.result().opCounts().entries.joinToString(" ") { (k, v) -> if (v == 1) k else "$k×$v" })
            outcome.result().warnings().forEach { echo("note  $it") }
            outcome.verification().ifPresent { v ->
                echo("LiteRT vs ONNX Runtime on ${v.samples()} samples: max abs error ${Format.sci(v.maxAbsErr())} " +
                    "(${Format.sci(v.worstRelativeError())} of the output scale), top-1 agreement ${Format.percent(v.top1Agreement())}")
                roleLines(v.roles()).forEach { echo("role  $it") }
            }
        }
    }
}
