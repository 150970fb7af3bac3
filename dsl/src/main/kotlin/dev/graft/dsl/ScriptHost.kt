package dev.graft.dsl

import dev.graft.GraftException
import dev.graft.recipe.Recipe
import java.nio.file.Files
import java.nio.file.Path
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.api.SourceCode
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.host.toScriptSource
import kotlin.script.experimental.jvm.baseClassLoader
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvmhost.BasicJvmScriptingHost
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.host.ScriptingHostConfiguration
import kotlin.script.experimental.jvm.compilationCache
import kotlin.script.experimental.jvm.defaultJvmScriptingHostConfiguration

/**
 * Runs `.graft.kts` recipe files and returns the recipe they build: each run gets a fresh
 * [ScriptRecipe] as the script's implicit receiver and builds it when the script ends. Compile
 * errors and recipe mistakes come back as one-line `file:line: message` errors (exit status 2).
 *
 * ```kotlin
 * val recipe = ScriptHost.load(Path.of("examples/demo.graft.kts"))
 * ```
 */
public object ScriptHost {
    /**
     * Compiles and runs a recipe file; relative paths in it are left as written. With a
     * [cacheDir] (the step cache), the compiled script is kept there and reused while the text
     * and the Graft build are the same (see [CompiledRecipes]).
     */
    public fun load(file: Path, cacheDir: Path? = null): Recipe {
        if (!Files.isRegularFile(file)) {
            throw GraftException.badInput("recipe file not found: %s", file)
        }
        val text = Files.readString(file)
        return run(text.toScriptSource(file.fileName.toString()), file.fileName.toString(), text, cacheDir)
    }

    /** Compiles and runs recipe text, named [name] in messages (it must end in `.graft.kts`). */
    public fun eval(text: String, name: String = "recipe.graft.kts"): Recipe =
        run(text.toScriptSource(name), name, text)

    private fun run(source: SourceCode, name: String, text: String, cacheDir: Path? = null): Recipe {
        val recipe = ScriptRecipe()
        val evaluation = ScriptEvaluationConfiguration {
            jvm { baseClassLoader(ScriptHost::class.java.classLoader) }
            implicitReceivers(recipe)
        }
        val host = if (cacheDir == null) {
            BasicJvmScriptingHost()
        } else {
            BasicJvmScriptingHost(
                ScriptingHostConfiguration(defaultJvmScriptingHostConfiguration) {
                    jvm { compilationCache(CompiledRecipes(cacheDir, text)) }
                },
            )
        }
        when (val result = host.eval(source, GraftScriptConfiguration, evaluation)) {
            is ResultWithDiagnostics.Failure -> throw firstError(name, result.reports)
            is ResultWithDiagnostics.Success -> {
                val value = result.value.returnValue
                if (value is ResultValue.Error) {
                    val e = value.error
                    if (e is GraftException) throw e
                    val where = e.stackTrace.firstOrNull { it.fileName == name }?.lineNumber
                    throw GraftException.badInput(
                        "%s%s: %s", name, where?.let { ":$it" } ?: "", e.message ?: e.javaClass.simpleName)
                }
            }
        }
        val built = try {
            recipe.build()
        } catch (e: GraftException) {
            // what the whole file lacks (no teacher, no steps) has no line: name the file
            if (e.message!!.startsWith("$name:")) throw e
            throw GraftException(e.kind(), "$name: ${e.message!!.removePrefix("${dev.graft.recipe.Origin.UNKNOWN}: ")}", e)
        }
        return built.withSource(text)
    }

    private fun firstError(name: String, reports: List<ScriptDiagnostic>): GraftException {
        val error = reports.firstOrNull { it.severity >= ScriptDiagnostic.Severity.ERROR } ?: reports.firstOrNull()
        val exception = error?.exception
        if (exception is GraftException) return exception
        val line = error?.location?.start?.line
        val message = error?.message?.lineSequence()?.firstOrNull() ?: "the script does not compile"
        return GraftException.badInput("%s%s: %s", name, line?.let { ":$it" } ?: "", message)
    }
}
