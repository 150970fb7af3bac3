package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files

class InspectSpec : FunSpec({
    test("prints the module tree of a CNTK model with params equal to its weight elements") {
        val r = graft("inspect", Fixtures.thirdParty("mnist-8.onnx"), "--json")
        r.statusCode shouldBe 0
        val json = JsonParser.parseString(r.stdout).asJsonObject
        // mnist-8: conv 8x1x5x5 + 8, conv 16x8x5x5 + 16, fc 256x10 + 10 (reshape constants are int64)
        json["params"].asLong shouldBe (200L + 8 + 3200 + 16 + 2560 + 10)
        json["flops"].asLong shouldBe (28L * 28 * 8 * 25 + 14L * 14 * 16 * 200 + 2560)
    }

    test("prints the trees of PyTorch exports with their module paths and every weight counted") {
        for ((model, path) in listOf("residual_cnn_bn.onnx" to "stage1.1", "deep_mlp.onnx" to "blocks.4",
            "transformer_encoder.onnx" to "blocks.4", "mobilenetv2.onnx" to "features.2")) {
            val g = dev.graft.onnx.OnnxReader.read(java.nio.file.Path.of(Fixtures.model(model)))
            val weights = g.initializers().values.filter { it.type().isFloating }.sumOf { it.elementCount() }
            val r = graft("inspect", Fixtures.model(model))
            r.statusCode shouldBe 0
            r.stdout.lines().any { it.trim().startsWith("$path ") } shouldBe true
            r.stdout shouldContain "total ${Format.count(weights)} params"
        }
    }

    test("names modules by node where the exporter wrote no scopes") {
        val r = graft("inspect", Fixtures.thirdParty("cnn_mnist_pytorch11.onnx"))
        r.statusCode shouldBe 0
        r.stdout shouldContain "module"
        r.stdout shouldContain "params (weight elements in the file)"
    }

    test("a missing model is a one-line error with status 2") {
        val r = graftRun("inspect", "no/such/model.onnx")
        r.status shouldBe 2
        r.stderr.trim() shouldStartWith "graft: invalid value for MODEL: file \"no/such/model.onnx\" does not exist"
        r.stderr.trim().lines().size shouldBe 1
    }

    test("a file that is not ONNX is refused with status 2") {
        val f = Files.createTempFile("not-a-model", ".onnx")
        Files.writeString(f, "hello, this is text and not a protobuf model at all")
        val r = graft("inspect", f.toString())
        r.statusCode shouldBe 2
        r.stderr shouldContain "not"
        r.stderr.trim().lines().size shouldBe 1
    }

    test("a truncated model is refused with status 2") {
        val bytes = Files.readAllBytes(java.nio.file.Path.of(Fixtures.thirdParty("mnist-8.onnx")))
        val f = Files.createTempFile("truncated", ".onnx")
        Files.write(f, bytes.copyOf(bytes.size / 2))
        val r = graft("inspect", f.toString())
        r.statusCode shouldBe 2
        r.stderr.trim().lines().size shouldBe 1
    }
})
