package dev.graft.recipe;

import dev.graft.graph.Graph;
import java.nio.file.Path;
import java.util.List;

/**
 * What a recipe run produced: the final model, the report (the content of report.json), the files
 * written, and the requirements it missed (empty when all were met).
 */
public record RunResult(
    Graph model, dev.graft.report.RunReport report, List<Path> written, List<String> unmetRequirements) {
  public boolean requirementsMet() {
    return unmetRequirements.isEmpty();
  }
}
