package dev.graft.recipe;

import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.tflite.ConvertOptions;
import dev.graft.tflite.ConvertResult;
import dev.graft.tflite.LiteRt;
import dev.graft.tflite.TfliteConverter;
import dev.graft.tflite.TfliteExport;
import dev.graft.tflite.Verification;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the model as TFLite: int8 ranges are calibrated on the training rows, and the file is
 * run in LiteRT on held-out rows and compared with ONNX Runtime before it is written; past the
 * precision's bound the step fails (exit 1) and leaves no file. Its size and LiteRT latency are
 * then measured against the teacher's ({@link TfliteFigures}).
 */
final class TfliteStep {
  /** Held-out rows LiteRT runs to verify the file. */
  static final int VERIFY_ROWS = 64;

  private TfliteStep() {}

  static Map<String, Object> run(Graph model, Step.ExportTflite t, RunContext ctx,
      List<Path> written, TfliteFigures figures) {
    ConvertOptions options = ConvertOptions.defaults().withPrecision(t.precision())
        .withCalibration(TfliteExport.head(ctx.split.train().inputs(), 512))
        .withRecipe(ctx.recipe.source());
    ConvertResult converted = TfliteConverter.convert(model, options);
    Map<String, NdArray> verifyRows = TfliteExport.head(ctx.split.heldOut().inputs(), VERIFY_ROWS);
    Verification.Report report = Verification.run(model, converted, options, verifyRows,
        LiteRt.locate(), ctx.recipe.outputs())
        .require(Verification.Bound.forPrecision(t.precision(), ctx.recipe.outputs()));
    Path out = ctx.output(t.path());
    converted.write(out);
    written.add(out);
    figures.measure(ctx, options, converted, out, t.precision().label());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "tflite");
    m.put("precision", t.precision().label());
    m.put("path", out.toString());
    m.put("bytes", converted.bytes().length);
    m.put("ops", converted.opCounts());
    m.put("io", converted.io().stream().map(ConvertResult.Io::toMap).toList());
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("runtime", "litert-wasm");
    v.put("samples", report.samples());
    v.put("max_abs_err", report.maxAbsErr());
    v.put("worst_relative_error", report.worstRelativeError());
    v.put("top1_agreement", report.top1Agreement());
    v.put("roles", dev.graft.verify.RoleEvaluator.section(report.roles()));
    m.put("verification", v);
    return m;
  }

}
