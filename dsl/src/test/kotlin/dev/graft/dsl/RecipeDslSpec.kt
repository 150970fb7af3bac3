package dev.graft.dsl

import dev.graft.GraftException
import dev.graft.recipe.Requirement
import dev.graft.recipe.Step
import dev.graft.replace.StudentSpec
import dev.graft.tflite.Precision
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldStartWith
import io.kotest.matchers.types.shouldBeInstanceOf
import java.nio.file.Path

class RecipeDslSpec : FunSpec({
    fun refused(text: String, name: String): GraftException {
        val e = shouldThrow<GraftException> { ScriptHost.eval(text, name) }
        e.exitStatus() shouldBe 2
        e.message!!.lines().size shouldBe 1
        return e
    }

    test("a recipe file is the recipe's body and maps one-to-one onto the Java builder") {
        val recipe = ScriptHost.eval(
            """
            val precision = Int8
            teacher("encoder.onnx")
            calibration("calib.npy", heldOut = 0.25)
            replace(from = "blocks.2", to = "blocks.4", student = attentionFfn(heads = 4, ffn = 128), epochs = 3)
            thin("stage2.*", "stage3.0", keep = 0.5)
            lowRank("head.fc", energy = 0.9)
            simplify(inputBox = 0.0..1.0)
            export { onnx("out/model.onnx"); tflite("out/model.tflite", precision = precision) }
            require { top1Agreement atLeast 0.99 }
            """.trimIndent(),
        )
        recipe.teacher() shouldBe Path.of("encoder.onnx")
        recipe.heldOut() shouldBe 0.25
        recipe.steps().size shouldBe 6
        val replace = recipe.steps()[0].shouldBeInstanceOf<Step.Replace>()
        replace.student() shouldBe StudentSpec.AttentionFfn(4, 128)
        replace.epochs() shouldBe 3
        replace.finetune() shouldBe 0
        replace.origin().toString() shouldBe "recipe.graft.kts:4"
        recipe.steps()[1].shouldBeInstanceOf<Step.Thin>().layers() shouldBe "stage2.*,stage3.0"
        val lowRank = recipe.steps()[2].shouldBeInstanceOf<Step.LowRank>()
        lowRank.rank() shouldBe 0
        lowRank.energy() shouldBe 0.9
        val box = recipe.steps()[3].shouldBeInstanceOf<Step.Simplify>()
        (box.lo() to box.hi()) shouldBe (0.0 to 1.0)
        recipe.steps()[5].shouldBeInstanceOf<Step.ExportTflite>().precision() shouldBe Precision.INT8
        recipe.requirements()[0].metric() shouldBe Requirement.Metric.TOP1_AGREEMENT
        recipe.source() shouldStartWith "val precision = Int8"
    }

    test("students are values made by factories, each kind with its own sizes") {
        val small = mlp(hidden = 64, depth = 2)
        val recipe = graft {
            teacher("m.onnx"); calibration("c.npy")
            replace("a", "b", student = small)
            replace("c", "d", student = thinConv(fraction = 0.25))
            replace("e", student = linear())
            replace("f", "g", student = skip(), finetune = 2)
            replace("h", "i", student = attentionFfn(heads = 2, ffn = 32, activation = Relu))
        }
        recipe.steps().map { (it as Step.Replace).student() } shouldBe listOf(
            StudentSpec.Mlp(64, 2), StudentSpec.ThinConv(0.25), StudentSpec.Linear(),
            StudentSpec.Skip(), StudentSpec.AttentionFfn(2, 32, StudentSpec.Activation.RELU),
        )
        (recipe.steps()[2] as Step.Replace).to() shouldBe "e"
        (recipe.steps()[3] as Step.Replace).finetune() shouldBe 2
    }

    test("a replace without a student does not compile, and the error names its line") {
        val e = refused("teacher(\"m.onnx\"); calibration(\"c.npy\")\nreplace(\"blocks.2\", \"blocks.4\")\n", "nostudent.graft.kts")
        e.message!! shouldStartWith "nostudent.graft.kts:2: "
        e.message!!.contains("student") shouldBe true
    }

    test("a value of the wrong type does not compile, and the error names its line") {
        refused("teacher(\"m.onnx\")\ncalibration(\"c.npy\")\nthin(\"a.*\", keep = \"0.5\")\n", "type.graft.kts")
            .message!! shouldStartWith "type.graft.kts:3: "
    }

    test("a student's bad size is refused at the line that wrote it") {
        refused("teacher(\"m.onnx\"); calibration(\"c.npy\")\n\nreplace(\"a\", \"b\", student = mlp(hidden = 0))\n", "size.graft.kts")
            .message shouldBe "size.graft.kts:3: student mlp: hidden 0 must be 1 to 65536"
        val e = shouldThrow<GraftException> { graft { replace("a", "b", student = thinConv(fraction = 2.0)) } }
        e.message!! shouldEndWith ": student thin-conv: channel fraction 2.0 must be in (0, 1]"
        e.message!! shouldStartWith "RecipeDslSpec.kt:"
    }

    test("leaving a number out means the default; writing 0 for it is refused") {
        shouldThrow<GraftException> { graft { replace("a", "b", student = linear(), epochs = 0) } }
            .message!! shouldEndWith ": replace a..b: epochs = 0 trains nothing; leave it out for the default"
        shouldThrow<GraftException> { graft { lowRank("fc") } }
            .message!! shouldEndWith ": lowrank needs exactly one of rank (> 0) or energy (in (0, 1]), got rank 0 and energy 0.0"
        val recipe = graft { teacher("m.onnx"); calibration("c.npy"); lowRank("fc", rank = 16); replace("a", student = skip()) }
        recipe.steps()[0].shouldBeInstanceOf<Step.LowRank>().rank() shouldBe 16
        recipe.steps()[1].shouldBeInstanceOf<Step.Replace>().epochs() shouldBe 0
    }

    test("typed images, paths and precisions") {
        val recipe = graft {
            teacher(Path.of("models", "face.onnx"))
            calibration(Path.of("photos"), heldOut = 0.1)
            images(size = 240 by 320, mean = listOf(0.5, 0.5, 0.5), std = listOf(0.25))
            test(Path.of("test.npy"), labels = Path.of("y.npy"))
            thin("Conv_30", keep = 0.75)
            export { tflite(Path.of("out", "face.tflite"), precision = Fp16) }
        }
        recipe.teacher() shouldBe Path.of("models", "face.onnx")
        recipe.calibration() shouldBe listOf("photos")
        recipe.testLabels() shouldBe Path.of("y.npy")
        val images = recipe.images()
        (images.height() to images.width()) shouldBe (240 to 320)
        images.means().toList() shouldBe listOf(0.5f, 0.5f, 0.5f)
        images.stds().toList() shouldBe listOf(0.25f)
        recipe.steps()[1].shouldBeInstanceOf<Step.ExportTflite>().precision() shouldBe Precision.FP16
        Size(240, 320) shouldBe (240 by 320)
    }

    test("bad image statistics are refused in the recipe's own words, at its line") {
        refused("teacher(\"m.onnx\"); calibration(\"photos\")\n" +
            "images(size = 240 by 320, mean = listOf(127.0, 127.0, 127.0))\n", "pix.graft.kts")
            .message shouldBe "pix.graft.kts:2: images(mean) 127,127,127: every mean must be in [0, 1], " +
            "since pixels are scaled to [0, 1] first (for statistics of 0..255 pixels divide mean and std " +
            "by 255, e.g. 127.5 -> 0.5)"
        refused("teacher(\"m.onnx\"); calibration(\"photos\")\nimages(size = 0 by 320)\n", "size.graft.kts")
            .message shouldBe "size.graft.kts:2: images(size) 0x320: each side must be 1 to 8192 pixels"
        refused("teacher(\"m.onnx\"); calibration(\"photos\")\nimages(size = 8 by 8, std = listOf(0.0))\n",
            "std.graft.kts").message shouldBe
            "std.graft.kts:2: images(std) 0: every std must be a finite number other than 0"
    }

    test("a file wrapped in graft { } still builds its recipe, once") {
        val recipe = ScriptHost.eval("graft {\n  teacher(\"m.onnx\"); calibration(\"c.npy\")\n  simplify()\n}\n")
        recipe.steps().single().shouldBeInstanceOf<Step.Simplify>()
        refused("graft { teacher(\"m.onnx\"); calibration(\"c.npy\"); simplify() }\ngraft { simplify() }\n", "two.graft.kts")
            .message shouldBe "two.graft.kts:2: a recipe file holds one recipe; this is a second graft { }"
    }

    test("an empty recipe file names the file and what is missing") {
        refused("// nothing yet\n", "empty.graft.kts").message shouldBe
            "empty.graft.kts: the recipe names no teacher model: add teacher(\"model.onnx\")"
    }

    test("graft { } in Kotlin code builds a recipe and locates mistakes at the calling line") {
        val recipe = graft {
            teacher("m.onnx"); calibration("c.npy")
            replace("blocks.1", "blocks.2", student = mlp(hidden = 32))
        }
        recipe.steps().single().shouldBeInstanceOf<Step.Replace>().origin().file() shouldBe "RecipeDslSpec.kt"
        val e = shouldThrow<GraftException> {
            graft { teacher("m.onnx"); calibration("c.npy"); thin("a", keep = 0.5, multiple = 0) }
        }
        e.message!! shouldStartWith "RecipeDslSpec.kt:"
    }
})
