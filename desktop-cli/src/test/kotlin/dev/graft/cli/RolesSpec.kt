package dev.graft.cli

import com.google.gson.JsonParser
import dev.graft.graph.Dim
import dev.graft.onnx.OnnxReader
import dev.graft.onnx.OnnxWriter
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import java.nio.file.Path

/** Output roles on the command line: shown by inspect, measured by eval, bounded by --require and --verify. */
class RolesSpec : FunSpec({
    val tmp = specDir("graft-roles-spec")
    val ultraface = Fixtures.thirdParty("ultraface-slim-320.onnx")
    val faces = Fixtures.thirdParty("faces")
    val image = arrayOf("--image-size", "240x320", "--mean", "0.498", "--std", "0.502")

    test("inspect shows the roles it inferred for a detector's outputs") {
        val r = graft("inspect", ultraface)
        r.statusCode shouldBe 0
        r.stdout shouldContain "role    scores=scores:threshold=0.5,background=0 (inferred"
        r.stdout shouldContain "role    boxes=boxes:pairedWith=scores (inferred"
        val json = JsonParser.parseString(graft("inspect", ultraface, "--json").stdout).asJsonObject
        json["roles"].asJsonObject["boxes"].asString shouldBe "boxes:pairedWith=scores"
    }

    test("eval against a reference reports each output by its role") {
        val r = graft("eval", Fixtures.model("residual_cnn_bn.onnx"), "--calibration", Fixtures.digits("test_x_img.npy"),
            "--labels", Fixtures.digits("test_y.npy"), "--teacher", Fixtures.model("residual_cnn.onnx"),
            "--role", "logits=classes:logits", "--json")
        r.statusCode shouldBe 0
        val logits = JsonParser.parseString(r.stdout).asJsonObject["roles"].asJsonObject["logits"].asJsonObject
        logits["role"].asString shouldBe "classes"
        logits["top1_agreement"].asDouble shouldBe 1.0
        logits["kl"].asDouble shouldBeLessThan 1e-6
        (logits["accuracy"].asDouble > 0.95) shouldBe true
    }

    test("a role for an output the model lacks is refused") {
        val r = graft("eval", ultraface, "--calibration", faces, *image, "--chunk-size", "1",
            "--teacher", ultraface, "--role", "faces=scores")
        r.statusCode shouldBe 2
        r.stderr shouldContain "the model has no output faces (outputs: scores, boxes)"
    }

    test("skipping a detector block misses --require recall(scores)>=0.9 and writes nothing") {
        val g = OnnxReader.read(Path.of(ultraface))
        val b = g.toBuilder().clearValueInfo()
        b.inputs(g.inputs().map { it.withShape(it.shape().withDim(0, Dim.symbol("batch"))) })
        b.outputs(g.outputs().map { it.withShape(it.shape().withDim(0, Dim.symbol("batch"))) })
        val model = tmp.resolve("ultraface-batch.onnx")
        OnnxWriter.write(b.build(), model)
        val out = tmp.resolve("skip.onnx")
        val r = graft("replace", model.toString(), "--from", "Conv_39", "--to", "Relu_44", "--with", "skip",
            "--calibration", faces, *image, "--role", "scores=scores:threshold=0.7",
            "--require", "recall(scores)>=0.9", "-o", out.toString())
        r.statusCode shouldBe 1
        r.stdout shouldContain "role         scores (scores:threshold=0.7,background=0): precision 1, recall 0,"
        r.stderr.trim().lines().last() shouldStartWith "graft: requirement not met: recall(scores) is 0.00000, required recall(scores) >= 0.9"
        Files.exists(out) shouldBe false
    }

    test("a requirement bounded the wrong way is a usage error") {
        val r = graft("thin", Fixtures.model("deep_mlp.onnx"), "--layers", "blocks.0.0", "--keep", "0.5",
            "--calibration", Fixtures.digits("train_x_flat.npy"), "--require", "recall(logits)<=0.5")
        r.statusCode shouldBe 2
        r.stderr shouldContain "recall is a share; bound it with >="
    }

    test("int8 verification names the box metric that drifts past its bound, and --json still prints it") {
        val out = tmp.resolve("ultraface.tflite")
        val r = graft("convert", ultraface, "-o", out.toString(), "--precision", "int8", "--verify",
            "--calibration", faces, *image, "--role", "scores=scores:threshold=0.7",
            "--role", "boxes=boxes:pairedWith=scores,bound=0.001", "--json")
        r.statusCode shouldBe 1
        r.stderr shouldContain "verification failed: mean_abs_err of output boxes (boxes) is "
        r.stderr shouldContain "bound at most 0.001"
        val v = JsonParser.parseString(r.stdout).asJsonObject["verification"].asJsonObject
        v["passed"].asBoolean shouldBe false
        v["failure"].asString shouldContain "mean_abs_err of output boxes (boxes)"
        v["roles"].isJsonNull shouldBe false
        Files.exists(out) shouldBe false
    }
})
