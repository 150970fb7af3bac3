package dev.graft.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.terminal
import dev.graft.io.AtomicFiles
import dev.graft.recipe.RecipeRunner
import dev.graft.recipe.Recipe
import dev.graft.recipe.RunResult
import dev.graft.report.HtmlReport
import dev.graft.report.Json
import java.nio.file.Path

/** Where a recipe run writes its report, how it prints, and the recipe file it names. */
internal data class ReportTargets(val json: Path?, val html: Path?, val printJson: Boolean, val recipe: String? = null)

/**
 * Runs a recipe with progress on standard error, writes the reports, prints the summary (or the
 * JSON report), and fails with exit status 1 when a requirement was missed.
 */
internal fun CliktCommand.runRecipe(recipe: Recipe, options: RecipeRunner.Options, targets: ReportTargets, prelude: String? = null): RunResult {
    val inputs = RecipeRunner.inputs(recipe, options)
    targets.json?.let { AtomicFiles.refuseInputs(it, inputs, "report") }
    targets.html?.let { AtomicFiles.refuseInputs(it, inputs, "report") }
    val result = RecipeRunner.run(recipe, options.withListener(Progress(terminal, prelude)))
    val report = result.report()
    targets.json?.let { Json.writeFile(it, report) }
    targets.html?.let { AtomicFiles.writeString(it, HtmlReport.render(report, targets.recipe)) }
    if (targets.printJson) {
        echo(Json.write(report))
    } else {
        echo(Summary.render(report.toJson()))
        targets.json?.let { echo("report       $it") }
        targets.html?.let { echo("report       $it") }
        result.written().forEach { echo("wrote        $it") }
    }
    if (!result.requirementsMet()) {
        throw GraftCliError(
            "requirement not met: " + result.unmetRequirements().joinToString("; ") + " (nothing exported)",
            ExitStatus.FAILURE,
        )
    }
    return result
}
