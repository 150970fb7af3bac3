package dev.graft.dsl

import dev.graft.recipe.Recipe
import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ScriptAcceptedLocation
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.acceptedLocations
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.ide
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.jvm.dependenciesFromClassContext
import kotlin.script.experimental.jvm.jvm

/**
 * The `.graft.kts` script type: the file is the body of a recipe, with a [ScriptRecipe] as its
 * implicit receiver (as a `build.gradle.kts` file has its project) and the DSL imported:
 *
 * ```kotlin
 * teacher("encoder.onnx")
 * calibration("calib.npy", heldOut = 0.2)
 * replace(from = "blocks.2", to = "blocks.4", student = attentionFfn(heads = 4, ffn = 128))
 * export { tflite("out/model.tflite", precision = Int8) }
 * ```
 *
 * The jar names this class in `META-INF/kotlin/script/templates/`, where IntelliJ IDEA and Android
 * Studio look for script definitions, so they offer completion in recipe files on a classpath
 * that holds `graft-dsl`.
 */
@KotlinScript(
    displayName = "Graft recipe",
    fileExtension = "graft.kts",
    compilationConfiguration = GraftScriptConfiguration::class,
)
public abstract class GraftScript

/** Compilation settings of `.graft.kts` scripts: the DSL's imports, the recipe receiver, this jar's classpath. */
public object GraftScriptConfiguration : ScriptCompilationConfiguration({
    defaultImports("dev.graft.dsl.*")
    implicitReceivers(ScriptRecipe::class)
    jvm {
        dependenciesFromClassContext(GraftScript::class, wholeClasspath = true)
    }
    ide {
        acceptedLocations(ScriptAcceptedLocation.Everywhere)
    }
}) {
    private fun readResolve(): Any = GraftScriptConfiguration
}

/**
 * The implicit receiver of a `.graft.kts` file: the recipe the file builds. A file written for
 * Kotlin code, wrapped in `graft { }`, still works: the block runs on this same recipe, once.
 */
public class ScriptRecipe internal constructor() : RecipeScope() {
    private var wrapped = false

    /** Runs [block] as the body of this script's recipe; a script holds one recipe. */
    public fun graft(block: RecipeScope.() -> Unit) {
        if (wrapped) throw Recipe.error(callerOrigin(), "a recipe file holds one recipe; this is a second graft { }")
        wrapped = true
        block()
    }
}
