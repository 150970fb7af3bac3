package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.types.enum
import com.github.ajalt.clikt.parameters.types.long
import com.github.ajalt.clikt.parameters.types.path
import com.github.ajalt.clikt.parameters.types.restrictTo
import com.github.ajalt.clikt.parameters.options.option
import dev.graft.dsl.ScriptHost
import dev.graft.exec.Device
import dev.graft.graph.Dims
import dev.graft.io.FolderLock
import dev.graft.recipe.Recipe
import dev.graft.recipe.RecipeRunner
import java.nio.file.Path

/** `graft compress RECIPE.graft.kts [--out DIR] [--device cpu|cuda]`. */
internal class CompressCommand : CliktCommand(name = "compress") {
    override fun help(context: Context): String =
        "Run a compression recipe file: its steps in order, then NAME.report.json and " +
            "NAME.report.html (NAME.graft.kts's name) in the output folder. An interrupted run " +
            "resumes without redoing finished steps."

    private val recipeFile by argument("RECIPE.graft.kts", help = "the recipe").path(mustExist = true, canBeDir = false)
    private val out by option("--out", metavar = "DIR", help = "output folder (default: the recipe's folder)").path(canBeFile = false)
    private val device by option("--device", help = "where ONNX Runtime runs; overrides the recipe")
        .enum<Device> { it.cliName() }
    private val json by jsonOption()
    private val noCache by option("--no-cache", help = "redo every step even if an earlier run finished it").flag()
    private val timeout by option("--timeout", metavar = "SECONDS", help = "stop the run after this many seconds (exit 1); 0: no limit")
        .long().restrictTo(min = 0).default(0)
    private val dims by dimOption()

    override fun run() = graftCall {
        val file = recipeFile.toAbsolutePath()
        val outDir = out?.toAbsolutePath() ?: file.parent
        RecipeGuard.run(timeout) {
            // the output folder is taken before the recipe compiles, so a second run stops at once
            FolderLock.acquire(RecipeRunner.Options.`in`(file.parent, outDir).cacheDir(), "graft compress ${file.fileName}").use {
                compress(file, file.parent, outDir, json, noCache) { r ->
                    val onDevice = device?.let { r.withDevice(it) } ?: r
                    if (dims.isEmpty()) onDevice else onDevice.withDims(Dims.parse(dims))
                }
            }
        }
    }

}

/**
 * Runs the recipe file with inputs under [base] and outputs, reports and the step cache under
 * [out]: the script is compiled (or taken compiled from the step cache) and run, timed on standard
 * error before the steps' timings, then [adjust]ed and run.
 */
internal fun CliktCommand.compress(file: Path, base: Path, out: Path, json: Boolean, noCache: Boolean, adjust: (Recipe) -> Recipe = { it }) {
    var options = RecipeRunner.Options.`in`(base, out)
    if (noCache) options = options.withCacheDir(null)
    val t0 = System.nanoTime()
    val recipe = adjust(ScriptHost.load(file, options.cacheDir()))
    val compiled = String.format(java.util.Locale.ROOT, "recipe %s compiled and run in %.2fs", file.fileName, (System.nanoTime() - t0) / 1e9)
    val name = reportName(file)
    runRecipe(recipe, options, ReportTargets(out.resolve("$name.report.json"), out.resolve("$name.report.html"), json, file.fileName.toString()), compiled)
}

/** A recipe's reports are named after it: `demo.graft.kts` → `demo` (`demo.report.json`). */
internal fun reportName(recipe: Path): String =
    recipe.fileName.toString().removeSuffix(".kts").removeSuffix(".graft")
