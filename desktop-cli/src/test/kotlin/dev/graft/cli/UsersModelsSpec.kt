package dev.graft.cli

import com.google.gson.JsonParser
import dev.graft.graph.Op
import dev.graft.io.Npy
import dev.graft.onnx.OnnxReader
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path

/**
 * Models as users bring them: both of PyTorch's exporters, fixed-batch mobile models, token
 * models with a symbolic sequence length, an opset-9 model (issue 10).
 */
class UsersModelsSpec : FunSpec({
    val tmp = specDir("graft-users-models")
    val modern = Fixtures.root.resolve("modern")
    val dynamo = Fixtures.thirdParty("fm_resnet20.dynamo.onnx")
    val torchscript = Fixtures.thirdParty("fm_resnet20.torchscript.onnx")
    val fashion = Fixtures.root.resolve("fashion")
    val detector = modern.resolve("detector_b1.onnx").toString()
    val detectorData = modern.resolve("detector_b1.test_input.npy").toString()
    val tokens = modern.resolve("token_encoder.onnx").toString()
    val tokenIds = modern.resolve("token_encoder.test_input_ids.npy").toString()

    fun oneLine(stderr: String) = stderr.trim().lines().filter { it.startsWith("graft:") }.size shouldBe 1

    test("inspect lists the same module paths on the dynamo and TorchScript exports of one network") {
        val d = graft("inspect", dynamo)
        val t = graft("inspect", torchscript)
        d.statusCode shouldBe 0
        t.statusCode shouldBe 0
        for (path in listOf("layer1", "layer1.0", "layer2.0", "layer2.2", "layer3.2")) {
            d.stdout.lines().any { it.trim().startsWith("$path ") } shouldBe true
            t.stdout.lines().any { it.trim().startsWith("$path ") } shouldBe true
        }
    }

    test("replace --from layer2.0 --to layer2.2 takes the same region on both exports") {
        val x = Npy.read(fashion.resolve("train_x.npy")).rows(0, 96)
        val calib = tmp.resolve("fashion96.npy")
        Npy.write(calib, x)
        val reports = listOf(dynamo, torchscript).mapIndexed { i, m ->
            val report = tmp.resolve("rep$i.json")
            val r = graft("replace", m, "--from", "layer2.0", "--to", "layer2.2", "--with", "thin-conv",
                "--fraction", "0.5", "--epochs", "2", "--calibration", calib.toString(),
                "-o", tmp.resolve("rep$i.onnx").toString(), "--report", report.toString())
            r.statusCode shouldBe 0
            JsonParser.parseString(Files.readString(report)).asJsonObject["regions"].asJsonArray[0].asJsonObject
        }
        for (key in listOf("region", "region_params", "student_params")) {
            reports[0][key] shouldBe reports[1][key]
        }
        reports[0]["region_params"].asLong shouldBe 51_424L
    }

    test("a fixed-batch-1 detector runs eval, lowrank and replace --finetune without a flag, keeping its batch") {
        graft("eval", detector, "--calibration", detectorData).let {
            it.statusCode shouldBe 0
            it.stdout shouldContain "16 samples"
        }
        val lr = tmp.resolve("det.lowrank.onnx")
        graft("lowrank", detector, "--layers", "backbone.3", "--rank", "16", "--calibration", detectorData,
            "-o", lr.toString()).statusCode shouldBe 0
        val ft = tmp.resolve("det.finetune.onnx")
        val report = tmp.resolve("det.finetune.json")
        graft("replace", detector, "--from", "backbone.2", "--to", "backbone.3", "--with", "thin-conv",
            "--fraction", "0.5", "--epochs", "2", "--finetune", "1", "--calibration", detectorData,
            "-o", ft.toString(), "--report", report.toString()).statusCode shouldBe 0
        val region = JsonParser.parseString(Files.readString(report)).asJsonObject["regions"].asJsonArray[0].asJsonObject
        // both outputs fine-tuned at once: KL on the score logits, L1 on the boxes of positive anchors
        val finetune = region["finetune"].asJsonObject
        finetune["loss"].asString shouldBe "roles"
        finetune["terms"].asJsonArray.map { it.asString } shouldBe listOf("kl", "masked_l1")
        OnnxReader.read(ft).outputNames() shouldBe listOf("boxes", "scores")
        for (out in listOf(lr, ft)) {
            val g = OnnxReader.read(out)
            g.inputs()[0].shape().dim(0).value() shouldBe 1L
            g.outputs().forEach { it.shape().dim(0).value() shouldBe 1L }
        }
    }

    test("a symbolic sequence length needs --dim, and the error names the dimension, its input and the flag") {
        val r = graft("inspect", tokens)
        r.statusCode shouldBe 2
        oneLine(r.stderr)
        r.stderr shouldContain "dimension 'sequence' (axis 1 of input 'input_ids'); bind it with --dim sequence=SIZE"
        graft("inspect", tokens, "--dim", "sequence=24").statusCode shouldBe 0
        graft("eval", tokens, "--dim", "sequence=24", "--calibration", tokenIds, "--labels",
            modern.resolve("token_encoder.test_labels.npy").toString()).let {
            it.statusCode shouldBe 0
            it.stdout shouldContain "accuracy            97.27%"
        }
        graft("inspect", tokens, "--dim", "seq=24").let {
            it.statusCode shouldBe 2
            oneLine(it.stderr)
            it.stderr shouldContain "no dimension seq; their named dimensions: batch, sequence"
        }
        graft("inspect", tokens, "--dim", "sequence").let {
            it.statusCode shouldBe 2
            it.stderr shouldContain "expected NAME=SIZE"
        }
    }

    test("convert --batch binds only the batch; with --dim, int64 token ids convert and verify at fp32 and int8") {
        graft("convert", tokens, "--batch", "1", "-o", tmp.resolve("tok.tflite").toString()).let {
            it.statusCode shouldBe 2
            oneLine(it.stderr)
            it.stderr shouldContain "dimension 'sequence' (axis 1) is symbolic"
            it.stderr shouldContain "--dim sequence=SIZE"
            Files.exists(tmp.resolve("tok.tflite")) shouldBe false
        }
        for (p in listOf("fp32", "int8")) {
            val r = graft("convert", tokens, "--dim", "sequence=24", "--precision", p, "--calibration", tokenIds,
                "--verify", "--json", "-o", tmp.resolve("tok.$p.tflite").toString())
            r.statusCode shouldBe 0
            val v = JsonParser.parseString(r.stdout).asJsonObject["verification"].asJsonObject
            v["top1_agreement"].asDouble shouldBeGreaterThan 0.99
            v["worst_relative_error"].asDouble shouldBeLessThan (if (p == "fp32") 1e-4 else 0.1)
        }
    }

    test("bench binds --dim in the ONNX model it measures") {
        val r = graft("bench", tokens, "--dim", "sequence=24", "--runs", "3", "--warmup", "1", "--json")
        r.statusCode shouldBe 0
        val input = JsonParser.parseString(r.stdout).asJsonObject["inputs"].asJsonArray[0].asJsonObject
        input["shape"].asJsonArray.map { it.asLong } shouldBe listOf(1L, 24L)
    }

    test("a recipe binds dims(\"sequence\" to 24) and exports a verified TFLite") {
        val recipe = tmp.resolve("tokens.graft.kts")
        Files.writeString(recipe, """
            graft {
                teacher("$tokens")
                calibration("$tokenIds")
                dims("sequence" to 24)
                lowRank("layers.*", energy = 0.95)
                export { onnx("tok.onnx"); tflite("tok.tflite") }
            }
        """.trimIndent() + "\n")
        val out = tmp.resolve("recipe-out")
        val r = graft("compress", recipe.toString(), "--out", out.toString())
        r.statusCode shouldBe 0
        OnnxReader.read(out.resolve("tok.onnx")).inputs()[0].shape().dim(1).value() shouldBe 24L
        Files.exists(out.resolve("tok.tflite")) shouldBe true
        val steps = JsonParser.parseString(Files.readString(out.resolve("tokens.report.json"))).asJsonObject["steps"].asJsonArray
        val io = steps.last().asJsonObject["details"].asJsonObject["io"].asJsonArray[0].asJsonObject
        io["name"].asString shouldBe "input_ids"
        io["layout"].asString shouldBe "ONNX" // token ids are no image
        io["shape"].asJsonArray.map { it.asLong } shouldBe listOf(1L, 24L)
    }

    test("lowrank on an opset-9 Gemm writes Gemms with their C input") {
        val out = tmp.resolve("cnn9.onnx")
        val r = graft("lowrank", Fixtures.thirdParty("cnn_mnist_pytorch11.onnx"), "--layers", "Gemm_8", "--rank", "8",
            "-o", out.toString())
        r.statusCode shouldBe 0
        val g = OnnxReader.read(out)
        g.opset() shouldBe 9
        g.nodes().filter { it.op() == Op.GEMM }.forEach { it.inputs().size shouldBe 3 }
    }
})
