package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files

class ConvertSpec : FunSpec({
    val tmp = Files.createTempDirectory("graft-convert-spec")
    val cnn = Fixtures.model("residual_cnn.onnx")
    val data = Fixtures.digits("test_x_img.npy")

    test("converts and verifies in LiteRT, with no TRANSPOSE inside the conv net") {
        val out = tmp.resolve("cnn.tflite")
        val r = graft("convert", cnn, "-o", out.toString(), "--calibration", data, "--verify", "--json")
        r.statusCode shouldBe 0
        val json = JsonParser.parseString(r.stdout).asJsonObject
        json["ops"].asJsonObject.has("TRANSPOSE") shouldBe false
        json["verification"].asJsonObject["worst_relative_error"].asDouble shouldBeLessThan 1e-4
        Files.size(out) shouldBe json["bytes"].asLong
    }

    test("int8 without calibration data is refused and writes nothing") {
        val out = tmp.resolve("int8.tflite")
        val r = graft("convert", cnn, "-o", out.toString(), "--precision", "int8")
        r.statusCode shouldBe 2
        r.stderr shouldContain "calibration"
        Files.exists(out) shouldBe false
    }

    test("a missing LiteRT runner is a one-line error and leaves no file") {
        val out = tmp.resolve("norunner.tflite")
        val previous = System.getProperty("graft.litert.runner")
        System.setProperty("graft.litert.runner", tmp.resolve("nowhere").toString())
        try {
            val r = graft("convert", cnn, "-o", out.toString(), "--verify")
            r.statusCode shouldBe 2
            r.stderr shouldContain "LiteRT runner not installed"
            r.stderr.trim().lines().size shouldBe 1
        } finally {
            if (previous == null) System.clearProperty("graft.litert.runner") else System.setProperty("graft.litert.runner", previous)
        }
        Files.exists(out) shouldBe false
    }
})
