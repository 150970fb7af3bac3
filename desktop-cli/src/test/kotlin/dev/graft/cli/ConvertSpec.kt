package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files

class ConvertSpec : FunSpec({
    val tmp = specDir("graft-convert-spec")
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

    test("image inputs are NHWC by default, --io-layout nchw keeps ONNX's order, and both say so") {
        val nhwc = graft("convert", cnn, "-o", tmp.resolve("nhwc.tflite").toString(), "--json")
        nhwc.statusCode shouldBe 0
        val io = JsonParser.parseString(nhwc.stdout).asJsonObject["io"].asJsonArray.map { it.asJsonObject }
        io[0]["kind"].asString shouldBe "input"
        io[0]["layout"].asString shouldBe "NHWC"
        io[0]["shape"].asJsonArray.map { it.asLong } shouldBe listOf(1L, 8L, 8L, 1L)
        io[0]["onnx_shape"].asJsonArray.map { it.asLong } shouldBe listOf(1L, 1L, 8L, 8L)
        io[1]["layout"].asString shouldBe "ONNX" // the logits

        val nchw = graft("convert", cnn, "-o", tmp.resolve("nchw.tflite").toString(), "--io-layout", "nchw")
        nchw.statusCode shouldBe 0
        nchw.stdout shouldContain "io    in input [1,1,8,8] ONNX; out "

        val alias = graftRun("convert", cnn, "-o", tmp.resolve("alias.tflite").toString(), "--nhwc-io")
        alias.status shouldBe 0
        alias.stdout shouldContain "io    in input [1,8,8,1] NHWC; out "
        alias.stderr shouldContain "--nhwc-io is deprecated"
        graft("convert", cnn, "-o", tmp.resolve("both.tflite").toString(), "--nhwc-io", "--io-layout", "nchw")
            .statusCode shouldBe 2
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

    test("a failed --verify prints the result with --json and names the first layers past the bound") {
        // block2's weights exceed the fp16 range: its conversion drifts there and nowhere before
        val model = tmp.resolve("overflow.onnx")
        dev.graft.onnx.OnnxWriter.write(fp16OverflowModel(), model)
        val out = tmp.resolve("overflow.tflite")
        val r = graft("convert", model.toString(), "-o", out.toString(), "--precision", "fp16", "--verify", "--json")
        r.statusCode shouldBe 1
        val v = JsonParser.parseString(r.stdout).asJsonObject["verification"].asJsonObject
        v["passed"].asBoolean shouldBe false
        val first = v["drift"].asJsonArray[0].asJsonObject
        first["layers"].asJsonArray.map { it.asString } shouldBe listOf("block2.conv")
        r.stderr shouldContain "first past the bound: block2.conv"
        Files.exists(out) shouldBe false
    }

    test("--explain names no layer when the conversion keeps the bound everywhere") {
        val out = tmp.resolve("explained.tflite")
        val r = graft("convert", cnn, "-o", out.toString(), "--verify", "--explain", "--json")
        r.statusCode shouldBe 0
        val v = JsonParser.parseString(r.stdout).asJsonObject["verification"].asJsonObject
        v["passed"].asBoolean shouldBe true
        v["drift"].asJsonArray.size() shouldBe 0
    }
})

/** x → block1 (1×1 conv, relu) → block2 (1×1 conv with weights of 1e5, then × 1e-5) → y. */
private fun fp16OverflowModel(): dev.graft.graph.Graph {
    val r = java.util.Random(3)
    fun randn(n: Int, scale: Double) = FloatArray(n) { (r.nextGaussian() * scale).toFloat() }
    val b = dev.graft.graph.Graph.builder()
    b.input(dev.graft.graph.ValueInfo("x", dev.graft.io.DType.FLOAT, dev.graft.graph.Shape.of(1, 8, 4, 4)))
    b.initializer(dev.graft.graph.TensorData.ofFloats("w1", longArrayOf(8, 8, 1, 1), randn(64, 0.3)))
    b.initializer(dev.graft.graph.TensorData.ofFloats("w2", longArrayOf(8, 8, 1, 1), randn(64, 1e5)))
    b.initializer(dev.graft.graph.TensorData.ofFloats("s", longArrayOf(1), floatArrayOf(1e-5f)))
    val op = dev.graft.graph.Op.CONV
    b.node(dev.graft.graph.Node.of("/block1/conv/Conv", op, listOf("x", "w1"), listOf("c1")))
    b.node(dev.graft.graph.Node.of("/block1/act/Relu", dev.graft.graph.Op.RELU, listOf("c1"), listOf("a1")))
    b.node(dev.graft.graph.Node.of("/block2/conv/Conv", op, listOf("a1", "w2"), listOf("c2")))
    b.node(dev.graft.graph.Node.of("/block2/Mul", dev.graft.graph.Op.MUL, listOf("c2", "s"), listOf("y")))
    b.output(dev.graft.graph.ValueInfo("y", dev.graft.io.DType.FLOAT, null))
    return b.opset(13).build()
}
