package dev.graft.cli

import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files

class InspectSpec : FunSpec({
    val tmp = specDir("graft-inspect-spec")

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
        val model = Fixtures.thirdParty("cnn_mnist_pytorch11.onnx")
        val g = dev.graft.onnx.OnnxReader.read(java.nio.file.Path.of(model))
        val r = graft("inspect", model, "--json")
        r.statusCode shouldBe 0
        val modules = JsonParser.parseString(r.stdout).asJsonObject["modules"].asJsonArray.map { it.asJsonObject }
        // one module per node, named by the node, holding its op and its weights
        modules.map { it["path"].asString } shouldBe g.nodes().map { it.name() }
        modules.take(4).map { it["path"].asString } shouldBe listOf("Conv_0", "MaxPool_1", "Relu_2", "Conv_3")
        modules.map { it["ops"].asJsonObject.keySet() } shouldBe g.nodes().map { setOf(it.op().onnxName()) }
        modules.map { it["params"].asLong } shouldBe g.nodes().map { n ->
            n.inputs().mapNotNull { g.initializer(it).orElse(null) }.filter { it.type().isFloating }.sumOf { it.elementCount() }
        }
        // conv 10x1x5x5 + 10, conv 20x10x5x5 + 20, fc 50x320 + 50, fc 10x50 + 10
        modules.filter { it["params"].asLong > 0 }.map { it["path"].asString to it["params"].asLong } shouldBe
            listOf("Conv_0" to 260L, "Conv_3" to 5020L, "Gemm_8" to 16050L, "Gemm_10" to 510L)
    }

    test("a missing model is a one-line error with status 2") {
        val r = graftRun("inspect", "no/such/model.onnx")
        r.status shouldBe 2
        r.stderr.trim() shouldStartWith "graft: invalid value for MODEL: file \"no/such/model.onnx\" does not exist"
        r.stderr.trim().lines().size shouldBe 1
    }

    test("a file that is not ONNX is refused with status 2") {
        val f = tmp.resolve("not-a-model.onnx")
        Files.writeString(f, "hello, this is text and not a protobuf model at all")
        val r = graft("inspect", f.toString())
        r.statusCode shouldBe 2
        r.stderr.trim() shouldStartWith "graft: $f is not a readable ONNX model"
        r.stderr.trim().lines().size shouldBe 1
    }

    test("a truncated model is refused with status 2") {
        val bytes = Files.readAllBytes(java.nio.file.Path.of(Fixtures.thirdParty("mnist-8.onnx")))
        val f = tmp.resolve("truncated.onnx")
        Files.write(f, bytes.copyOf(bytes.size / 2))
        val r = graft("inspect", f.toString())
        r.statusCode shouldBe 2
        r.stderr.trim() shouldStartWith "graft: $f is not a readable ONNX model (truncated"
        r.stderr.trim().lines().size shouldBe 1
    }
})
