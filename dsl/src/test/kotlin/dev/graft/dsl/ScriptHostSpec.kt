package dev.graft.dsl

import dev.graft.GraftException
import dev.graft.recipe.Requirement
import dev.graft.recipe.Step
import dev.graft.replace.StudentSpec
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.api.with
import io.kotest.matchers.string.shouldStartWith
import io.kotest.matchers.types.shouldBeInstanceOf

class ScriptHostSpec : FunSpec({
    val dir = tempdir("graft-recipes").toPath()

    test("a compiled recipe is kept in the cache folder and reused while its text is the same") {
        val file = dir.resolve("r.graft.kts")
        java.nio.file.Files.writeString(file, "teacher(\"m.onnx\"); calibration(\"c.npy\"); thin(\"stage2.*\", keep = 0.5)\n")
        val cache = dir.resolve("cache")
        fun jars() = java.nio.file.Files.list(cache).use { s -> s.filter { it.fileName.toString().endsWith(".jar") }.toList() }

        val first = ScriptHost.load(file, cache)
        val jar = jars().single()
        val written = java.nio.file.Files.getLastModifiedTime(jar)
        Thread.sleep(20)
        val again = ScriptHost.load(file, cache)
        again.steps() shouldBe first.steps()
        java.nio.file.Files.getLastModifiedTime(jar) shouldBe written // loaded, not compiled again

        java.nio.file.Files.writeString(jar, "not a jar")
        ScriptHost.load(file, cache).steps() shouldBe first.steps()
        (java.nio.file.Files.size(jar) > 100) shouldBe true // a damaged jar is compiled again

        java.nio.file.Files.writeString(file, "teacher(\"m.onnx\"); calibration(\"c.npy\"); thin(\"stage3.*\", keep = 0.5)\n")
        ScriptHost.load(file, cache).steps()[0].shouldBeInstanceOf<Step.Thin>().layers() shouldBe "stage3.*"
        jars().size shouldBe 2
    }

    test("the cache key changes with the script template's settings") {
        val text = "teacher(\"m.onnx\")"
        val same = CompiledRecipes.key(text, GraftScriptConfiguration)
        same shouldBe CompiledRecipes.key(text, GraftScriptConfiguration)
        val imports = GraftScriptConfiguration.with { defaultImports("dev.graft.recipe.*") }
        val receiver = GraftScriptConfiguration.with { implicitReceivers(RecipeScope::class) }
        CompiledRecipes.key(text, imports) shouldNotBe same
        CompiledRecipes.key(text, receiver) shouldNotBe same
        CompiledRecipes.key("$text\n", GraftScriptConfiguration) shouldNotBe same
    }

    test("a step after an export is reported at its line") {
        val e = shouldThrow<GraftException> {
            ScriptHost.eval(
                """
                graft {
                    teacher("m.onnx"); calibration("c.npy")
                    export { onnx("out.onnx") }
                    thin("a.*", keep = 0.5)
                }
                """.trimIndent(),
                "late.graft.kts",
            )
        }
        e.message shouldBe "late.graft.kts:4: step 'thin a.* keep 0.5' comes after an export (late.graft.kts:3); exports must come last"
        e.exitStatus() shouldBe 2
    }

    test("a step's bad values are refused at its line, never as a Java exception") {
        val e = shouldThrow<GraftException> {
            ScriptHost.eval("teacher(\"m.onnx\"); calibration(\"c.npy\")\nsimplify(inputBox = 1.0..0.0)\n", "box.graft.kts")
        }
        e.message shouldBe "box.graft.kts:2: input box lo 1.0, hi 0.0: both must be finite and lo at most hi"
        e.exitStatus() shouldBe 2
    }

    test("a compile error is one line with file and line") {
        val e = shouldThrow<GraftException> {
            ScriptHost.eval("graft {\n  teacher(\"m.onnx\")\n  thinn(\"x\", keep = 0.5)\n}", "typo.graft.kts")
        }
        e.message!! shouldStartWith "typo.graft.kts:3: "
        e.message!!.lines().size shouldBe 1
    }

    test("a wrong bound direction is refused at its line") {
        val e = shouldThrow<GraftException> {
            ScriptHost.eval(
                "graft {\n  teacher(\"m.onnx\"); calibration(\"c.npy\")\n  simplify()\n  require { relMse atLeast 0.5 }\n}",
                "bound.graft.kts",
            )
        }
        e.message shouldBe "bound.graft.kts:4: rel_mse is an error: bound it with atMost"
    }

    test("output roles and role requirements map onto the builder") {
        val recipe = ScriptHost.eval(
            """
            graft {
                teacher("ultraface.onnx"); calibration("photos")
                outputs { "scores" to Scores(threshold = 0.7); "boxes" to Boxes(pairedWith = "scores", bound = 0.05) }
                thin("Conv_30", keep = 0.75)
                require { recall("scores") atLeast 0.98; meanAbsErr("boxes") atMost 0.1 }
            }
            """.trimIndent(),
        )
        recipe.outputs().map { it.describe() } shouldBe listOf(
            "scores=scores:threshold=0.7,background=0", "boxes=boxes:pairedWith=scores,bound=0.05",
        )
        recipe.requirements().map { it.describe() } shouldBe listOf("recall(scores) >= 0.98", "mean_abs_err(boxes) <= 0.1")
        recipe.requirements()[0].origin().toString() shouldBe "recipe.graft.kts:5"
    }

    test("a role with a bad option is refused at its line") {
        val e = shouldThrow<GraftException> {
            ScriptHost.eval(
                "graft {\n  teacher(\"m.onnx\"); calibration(\"c.npy\")\n  outputs { \"s\" to Scores(threshold = 1.5) }\n  simplify()\n}",
                "roles.graft.kts",
            )
        }
        e.message shouldBe "roles.graft.kts:3: scores threshold 1.5 of output s must be in (0, 1)"
        e.exitStatus() shouldBe 2
    }

    test("a role metric bounded the wrong way is refused") {
        val e = shouldThrow<GraftException> {
            ScriptHost.eval(
                "graft {\n  teacher(\"m.onnx\"); calibration(\"c.npy\")\n  simplify()\n  require { recall(\"s\") atMost 0.5 }\n}",
                "dir.graft.kts",
            )
        }
        e.message shouldBe "dir.graft.kts:4: recall is a share: bound it with atLeast"
    }
})
