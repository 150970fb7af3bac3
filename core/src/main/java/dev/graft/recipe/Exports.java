package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Export steps: the current model written as ONNX, or as TFLite verified in LiteRT and measured
 * against the teacher at the same precision.
 */
final class Exports {
  private Exports() {}

  /** The model with Graft's version, the seed and the recipe recorded in its metadata. */
  static Graph stamped(Graph model, RunContext ctx) {
    return model.toBuilder()
        .metadata("graft_version", OnnxWriter.GRAFT_VERSION)
        .metadata("graft_seed", Long.toString(ctx.recipe.seed()))
        .metadata("graft_recipe", ctx.recipe.source())
        .build();
  }

  static Map<String, Object> run(Graph model, Step step, RunContext ctx, List<Path> written,
      TfliteFigures figures) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (step instanceof Step.ExportOnnx e) {
      Path out = ctx.output(e.path());
      OnnxWriter.write(stamped(model, ctx), out);
      written.add(out);
      m.put("format", "onnx");
      m.put("path", out.toString());
      m.put("bytes", out.toFile().length());
      return m;
    }
    if (step instanceof Step.ExportTflite t) {
      return TfliteStep.run(stamped(model, ctx), t, ctx, written, figures);
    }
    throw GraftException.badInput("%s: not an export step", step.origin());
  }
}
