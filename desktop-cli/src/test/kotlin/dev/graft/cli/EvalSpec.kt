package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path

class EvalSpec : FunSpec({
    val tmp = specDir("graft-eval-spec")

    test("measures accuracy and agreement against a reference on .npy data") {
        val r = graft("eval", Fixtures.model("residual_cnn_bn.onnx"), "--calibration", Fixtures.digits("test_x_img.npy"),
            "--labels", Fixtures.digits("test_y.npy"), "--teacher", Fixtures.model("residual_cnn.onnx"), "--json")
        r.statusCode shouldBe 0
        val json = JsonParser.parseString(r.stdout).asJsonObject
        json["accuracy"].asDouble shouldBeGreaterThan 0.95
        json["fidelity"].asJsonObject["top1_agreement"].asDouble shouldBe 1.0
        json["fidelity"].asJsonObject["max_abs_err"].asDouble.let { (it < 1e-4) shouldBe true }
    }

    test("reads a folder of images with the size, mean and std given") {
        val dir = Files.createDirectories(tmp.resolve("images"))
        Files.copy(Path.of(Fixtures.thirdParty("faces.jpg")), dir.resolve("faces.jpg"))
        val model = Fixtures.thirdParty("ultraface-slim-320.onnx")
        val r = graft("eval", model, "--calibration", dir.toString(), "--image-size", "240x320",
            "--mean", "0.498", "--std", "0.502", "--teacher", model, "--json")
        r.statusCode shouldBe 0
        JsonParser.parseString(r.stdout).asJsonObject["samples"].asInt shouldBe 1
        val missing = graft("eval", model, "--calibration", dir.toString())
        missing.statusCode shouldBe 2
        missing.stderr shouldContain "--image-size"
    }

    test("labels of the wrong length are refused") {
        val r = graft("eval", Fixtures.model("deep_mlp.onnx"), "--calibration", Fixtures.digits("test_x_flat.npy"),
            "--labels", Fixtures.digits("train_y.npy"))
        r.statusCode shouldBe 2
        r.stderr shouldContain "labels hold 1400 samples, the data 397"
    }
})
