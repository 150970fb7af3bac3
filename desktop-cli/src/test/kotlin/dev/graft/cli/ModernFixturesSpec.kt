package dev.graft.cli

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import dev.graft.io.Npy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeGreaterThanOrEqual
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.Path

/**
 * The issue-10 matrix on the five modern fixtures (fixtures/modern/README.md): inspect, eval with
 * the README's accuracy, one shrink command, and convert at fp32, fp16 and int8 with --verify.
 * Calibration is kept small (16 rows for convert, so 16 verified samples) to keep the run short.
 */
class ModernFixturesSpec : FunSpec({
    val tmp = specDir("graft-modern-matrix")
    val modern = Fixtures.root.resolve("modern")
    val fashion = Fixtures.root.resolve("fashion")

    fun rows(source: Path, n: Int, name: String): String {
        val out = tmp.resolve(name)
        if (!Files.exists(out)) Npy.write(out, Npy.read(source).rows(0, n))
        return out.toString()
    }

    fun json(stdout: String): JsonObject = JsonParser.parseString(stdout).asJsonObject

    /** One fixture: its dims, eval data and expected accuracy, a shrink command, convert calibration. */
    data class Case(
        val name: String,
        val dims: List<String>,
        val modulePath: String,
        val evalArgs: List<String>,
        val accuracy: Double?,
        val samples: Long,
        val shrink: List<String>,
        val calibration: String,
        val precisions: List<String> = listOf("fp32", "fp16", "int8"),
    ) {
        val model: String get() = Fixtures.root.resolve("modern").resolve("$name.onnx").toString()
    }

    val fx = fashion.resolve("test_x.npy").toString()
    val fy = fashion.resolve("test_y.npy").toString()
    val fashionCalib = { rows(fashion.resolve("train_x.npy"), 16, "fashion16.npy") }
    val fashionShrink = { rows(fashion.resolve("train_x.npy"), 128, "fashion128.npy") }
    val fashionShrinkY = { rows(fashion.resolve("train_y.npy"), 128, "fashion128_y.npy") }
    val llamaIds = modern.resolve("llama_decoder.test_input_ids.npy")
    val tokenIds = modern.resolve("token_encoder.test_input_ids.npy")
    val detectorX = modern.resolve("detector_b1.test_input.npy")

    val cases = listOf(
        Case("fm_mobilenetv3", emptyList(), "features.1", listOf("--calibration", fx, "--labels", fy), 0.8359375, 512,
            listOf("thin", "--layers", "features.*.block.0", "--keep", "0.5", "--calibration", "@fashion", "--labels", "@fashionY"),
            "@fashion16"),
        Case("fm_vit", emptyList(), "blocks.0", listOf("--calibration", fx, "--labels", fy), 0.865234375, 512,
            listOf("lowrank", "--layers", "blocks.*.mlp.fc1", "--energy", "0.9", "--calibration", "@fashion", "--labels", "@fashionY"),
            "@fashion16"),
        // labels per token: 3642 of 4096 positions (2..15 always right, 0 and 1 without context rarely)
        Case("llama_decoder", listOf("--dim", "sequence=16"), "layers.0",
            listOf("--calibration", llamaIds.toString(), "--labels", modern.resolve("llama_decoder.test_labels.npy").toString()),
            3642.0 / 4096, 256,
            listOf("lowrank", "--layers", "layers.*.mlp.*", "--energy", "0.9", "--calibration", llamaIds.toString()),
            "@llama16"),
        Case("detector_b1", emptyList(), "backbone.1", listOf("--calibration", detectorX.toString()), null, 16,
            listOf("thin", "--layers", "backbone.1,backbone.2", "--keep", "0.5", "--calibration", detectorX.toString()),
            detectorX.toString()),
        Case("token_encoder", listOf("--dim", "sequence=24"), "layers.0",
            listOf("--calibration", tokenIds.toString(), "--labels", modern.resolve("token_encoder.test_labels.npy").toString()), 0.97265625, 256,
            listOf("lowrank", "--layers", "layers.*.intermediate", "--energy", "0.9", "--calibration", tokenIds.toString(),
                "--labels", modern.resolve("token_encoder.test_labels.npy").toString()),
            "@token16"),
    )

    fun resolve(arg: String): String = when (arg) {
        "@fashion" -> fashionShrink()
        "@fashionY" -> fashionShrinkY()
        "@fashion16" -> fashionCalib()
        "@llama16" -> rows(llamaIds, 16, "llama16.npy")
        "@token16" -> rows(tokenIds, 16, "token16.npy")
        else -> arg
    }

    /** The largest error over the output's scale that --verify accepts, per precision, as tested here. */
    val worstBound = mapOf("fp32" to 1e-4, "fp16" to 0.02, "int8" to 0.25)
    /**
     * Top-1 agreement with ONNX Runtime per precision (the detector's 96 score cells flip a little at fp16); for a
     * classes output, the tie-aware figure of its role (the llama's first two positions are near-ties at int8).
     */
    val topOneBound = mapOf("fp32" to 1.0, "fp16" to 0.99, "int8" to 0.95)

    for (c in cases) {
        test("${c.name}: inspect, eval, ${c.shrink[0]} and convert ${c.precisions.joinToString("/")} --verify succeed") {
            graft(*(listOf("inspect", c.model) + c.dims).toTypedArray()).let {
                it.statusCode shouldBe 0
                it.stdout.lines().any { l -> l.trim().startsWith("${c.modulePath} ") } shouldBe true
            }
            graft(*(listOf("eval", c.model, "--json") + c.evalArgs + c.dims).toTypedArray()).let {
                it.statusCode shouldBe 0
                val r = json(it.stdout)
                r["samples"].asLong shouldBe c.samples
                c.accuracy?.let { a -> r["accuracy"].asDouble shouldBe (a plusOrMinus 1e-6) }
            }
            val shrunk = tmp.resolve("${c.name}.${c.shrink[0]}.onnx")
            val shrinkArgs = listOf(c.shrink[0], c.model, "-o", shrunk.toString(), "--json") +
                c.shrink.drop(1).map(::resolve) + c.dims
            graft(*shrinkArgs.toTypedArray()).let {
                it.statusCode shouldBe 0
                val params = json(it.stdout)["params"].asJsonObject
                params["result"].asDouble shouldBeLessThan params["teacher"].asDouble
            }
            Files.exists(shrunk) shouldBe true
            for (p in c.precisions) {
                val r = graft(*(listOf("convert", c.model, "--precision", p, "--verify", "--json",
                    "--calibration", resolve(c.calibration), "-o", tmp.resolve("${c.name}.$p.tflite").toString()) + c.dims)
                    .toTypedArray())
                r.statusCode shouldBe 0
                val v = json(r.stdout)["verification"].asJsonObject
                v["worst_relative_error"].asDouble shouldBeLessThan worstBound.getValue(p)
                val role = v["roles"].asJsonObject.entrySet().first().value.asJsonObject
                val top1 = if (role["role"].asString == "classes") role["top1_agreement"].asDouble else v["top1_agreement"].asDouble
                top1 shouldBeGreaterThanOrEqual topOneBound.getValue(p)
                if (c.name == "llama_decoder" && p == "int8") {
                    role["near_ties"].asDouble shouldBeGreaterThan 0.0
                    role["top1_agreement_raw"].asDouble shouldBeLessThan role["top1_agreement"].asDouble
                }
            }
        }
    }
})
