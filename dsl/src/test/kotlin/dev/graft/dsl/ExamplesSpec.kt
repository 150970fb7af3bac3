package dev.graft.dsl

import dev.graft.onnx.OnnxReader
import dev.graft.recipe.RecipeRunner
import dev.graft.recipe.RunResult
import dev.graft.region.Costs
import io.kotest.core.spec.style.FunSpec
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.Path

/**
 * Every recipe in examples/ runs as a user would run it (`graft compress examples/NAME.graft.kts`):
 * inputs relative to the recipe's folder, on the committed fixtures; it meets its own requirements,
 * writes its files (TFLite ones verified in LiteRT), and shrinks the model as its comment says.
 */
class ExamplesSpec : FunSpec({
    val examples = generateSequence(Path.of("").toAbsolutePath()) { it.parent }
        .map { it.resolve("examples") }.first { Files.isRegularFile(it.resolve("demo.graft.kts")) }
    val out = tempdir("graft-examples").toPath()

    fun run(name: String): Pair<RunResult, Double> {
        val recipe = ScriptHost.load(examples.resolve(name))
        val result = RecipeRunner.run(recipe, RecipeRunner.Options.`in`(examples, out.resolve(name)).withCacheDir(null))
        result.unmetRequirements() shouldBe emptyList()
        val exported = recipe.steps().filter { dev.graft.recipe.Step.isExport(it) }.size
        result.written().size shouldBe exported
        result.written().forEach { (Files.size(it) > 1000) shouldBe true }
        val teacher = Costs.params(OnnxReader.read(examples.resolve(recipe.teacher())))
        return result to Costs.params(result.model()).toDouble() / teacher
    }

    test("a CNN thinned to half its channels and written as verified full int8") {
        val (result, ratio) = run("cnn-thin-int8.graft.kts")
        ratio shouldBe (0.505 plusOrMinus 0.02)
        result.written().map { it.fileName.toString() } shouldBe listOf("cnn-thin.onnx", "cnn-thin-int8.tflite")
    }

    test("a detector thinned with its scores and boxes bounded by their roles") {
        val (result, ratio) = run("detector-roles.graft.kts")
        ratio shouldBe (0.991 plusOrMinus 0.005)
        result.written().map { it.fileName.toString() } shouldBe listOf("face-thin.onnx", "face-thin-fp16.tflite")
    }

    test("a vision transformer with two blocks replaced by one attention+FFN block") {
        val (result, ratio) = run("transformer-attention.graft.kts")
        ratio shouldBe (0.759 plusOrMinus 0.01)
        result.written().map { it.fileName.toString() } shouldBe listOf("vit-small.onnx", "vit-small.tflite")
    }
})
