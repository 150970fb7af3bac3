package dev.graft.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The self-contained {@code NAME.report.html} of a run: summary tables and inline SVG plots of
 * TFLite file size and LiteRT latency per exported precision, parameters, MACs and ONNX Runtime
 * latency before and after, per-region error and training loss curves. No scripts, no external
 * resources: it opens offline.
 *
 * <pre>{@code
 * AtomicFiles.writeString(Path.of("demo.report.html"), HtmlReport.render(report, "demo.graft.kts"));
 * }</pre>
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(RunReport r) {
    return render(r, null);
  }

  /** The report of the recipe named {@code recipe} (its file name), or of an unnamed one. */
  public static String render(RunReport r, String recipe) {
    StringBuilder b = new StringBuilder();
    String title = recipe == null ? "Graft report" : "Graft report: " + recipe;
    b.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>")
        .append(Svg.esc(title)).append("</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;")
        .append("padding:4px 10px;text-align:left}th{background:#f3f3f3}.plots{display:flex;")
        .append("flex-wrap:wrap;gap:16px}.ok{color:#2a7d2a}.bad{color:#b00020}")
        .append("td.n{text-align:right}</style></head><body>");
    b.append("<h1>").append(Svg.esc(title)).append("</h1>");
    b.append("<p>Teacher <code>").append(Svg.esc(r.teacher())).append("</code> · device ")
        .append(Svg.esc(r.device())).append(" · seed ").append(r.seed())
        .append(" · Graft ").append(Svg.esc(r.graftVersion())).append("</p>");
    summary(b, r);
    RoleFigures.table(b, r.roles());
    b.append("<h2>Before and after</h2><div class='plots'>");
    TfliteTable.plots(b, r);
    pair(b, "Parameters", r.params().teacher(), r.params().result(), "weights");
    pair(b, "MACs per sample", r.flops().teacher(), r.flops().result(), "multiply-accumulates");
    RunReport.OrtLatency ort = r.timings().latencyMs();
    pair(b, "ONNX Runtime latency (ms per sample)", ort.teacher(), ort.result(), "ms");
    b.append("</div>");
    RoleFigures.render(b, r.steps());
    regions(b, r.regions());
    outputs(b, r.steps());
    steps(b, r.steps(), r.timings().steps());
    b.append("</body></html>\n");
    return b.toString();
  }

  private static void summary(StringBuilder b, RunReport r) {
    b.append("<table><tr><th>measure</th><th>teacher</th><th>result</th><th>result/teacher</th>")
        .append("</tr>");
    row(b, "parameters", r.params().teacher(), r.params().result());
    row(b, "MACs per sample", r.flops().teacher(), r.flops().result());
    RunReport.OrtLatency ort = r.timings().latencyMs();
    row(b, "ONNX Runtime latency, ms per sample (" + ort.runtime() + ")", ort.teacher(),
        ort.result());
    TfliteTable.rows(b, r);
    if (r.accuracy() != null) {
      row(b, "accuracy", r.accuracy().teacher(), r.accuracy().result());
    }
    b.append("</table>");
    TfliteTable.notes(b, r);
    RunReport.Fidelity f = r.fidelity();
    b.append("<table><tr><th>fidelity on ").append(Svg.esc(f.data()))
        .append("</th><th>value</th></tr>");
    fidelity(b, "top1_agreement", f.top1Agreement());
    fidelity(b, "max_abs_err", f.maxAbsErr());
    fidelity(b, "rel_mse", f.relMse());
    fidelity(b, "samples", f.samples());
    b.append("</table>");
    if (!r.requirements().isEmpty()) {
      b.append("<table><tr><th>requirement</th><th>value</th><th>met</th></tr>");
      for (RunReport.RequirementCheck q : r.requirements()) {
        b.append("<tr><td>").append(Svg.esc(q.requirement())).append("</td><td>")
            .append(Svg.fmt(q.value())).append("</td><td class='")
            .append(q.met() ? "ok'>yes" : "bad'>no").append("</td></tr>");
      }
      b.append("</table>");
    }
  }

  private static void fidelity(StringBuilder b, String key, double v) {
    b.append("<tr><td>").append(key).append("</td><td>").append(Svg.fmt(v)).append("</td></tr>");
  }

  /** A row of the summary: teacher, result and their ratio. */
  static void row(StringBuilder b, String label, double teacher, double result) {
    b.append("<tr><td>").append(Svg.esc(label)).append("</td><td class='n'>")
        .append(Svg.fmt(teacher)).append("</td><td class='n'>").append(Svg.fmt(result))
        .append("</td><td class='n'>")
        .append(teacher == 0 || Double.isNaN(teacher) ? ""
            : String.format(java.util.Locale.ROOT, "%.2f×", result / teacher))
        .append("</td></tr>");
  }

  static void pair(StringBuilder b, String title, double teacher, double result, String unit) {
    b.append(Svg.bars(title, List.of("teacher", "result"), List.of(title),
        new double[][] {{teacher}, {result}}, unit));
  }

  private static void regions(StringBuilder b, List<Map<String, Object>> regions) {
    if (regions.isEmpty()) {
      return;
    }
    b.append("<h2>Regions</h2><table><tr><th>region</th><th>student</th><th>student params</th>")
        .append("<th>region params</th><th>train rel MSE</th><th>held-out rel MSE</th>")
        .append("<th>samples/s</th></tr>");
    List<String> labels = new ArrayList<>();
    double[][] err = new double[regions.size()][2];
    int i = 0;
    for (Map<String, Object> g : regions) {
      labels.add(str(g.get("region")));
      err[i][0] = num(g.get("train_rel_mse"));
      err[i][1] = num(g.get("heldout_rel_mse"));
      b.append("<tr><td>").append(Svg.esc(str(g.get("region")))).append("</td><td>")
          .append(Svg.esc(str(g.get("student")))).append("</td><td>")
          .append(Svg.fmt(num(g.get("student_params")))).append("</td><td>")
          .append(Svg.fmt(num(g.get("region_params")))).append("</td><td>")
          .append(Svg.fmt(err[i][0])).append("</td><td>").append(Svg.fmt(err[i][1]))
          .append("</td><td>").append(Svg.fmt(num(g.get("samples_per_second"))))
          .append("</td></tr>");
      i++;
    }
    b.append("</table><div class='plots'>");
    b.append(Svg.bars("Per-region error (relative MSE)", labels, List.of("train", "held-out"),
        err, "relative MSE"));
    for (Map<String, Object> g : regions) {
      List<Object> curve = list(g.get("loss_curve"));
      if (curve.isEmpty()) {
        continue;
      }
      double[] train = new double[curve.size()];
      double[] held = new double[curve.size()];
      for (int k = 0; k < curve.size(); k++) {
        train[k] = num(map(curve.get(k)).get("train_mse"));
        held[k] = num(map(curve.get(k)).get("heldout_mse"));
      }
      b.append(Svg.lines("Training loss, " + str(g.get("region")), List.of("train MSE",
          "held-out MSE"), List.of(train, held), "epoch"));
    }
    b.append("</div>");
  }

  /** The files the run wrote; TFLite files with their LiteRT verification. */
  private static void outputs(StringBuilder b, List<RunReport.StepReport> steps) {
    List<Map<String, Object>> files = new ArrayList<>();
    for (RunReport.StepReport s : steps) {
      Map<String, Object> d = s.details();
      if (d != null && d.containsKey("format")) {
        files.add(d);
      }
    }
    if (files.isEmpty()) {
      return;
    }
    b.append("<h2>Outputs</h2><table><tr><th>file</th><th>format</th><th>bytes</th>")
        .append("<th>verified in</th><th>max abs error</th><th>top-1 agreement</th></tr>");
    for (Map<String, Object> d : files) {
      Map<String, Object> v = map(d.get("verification"));
      String format = str(d.get("format")) + (d.containsKey("precision")
          ? " " + str(d.get("precision")) : "");
      b.append("<tr><td><code>").append(Svg.esc(str(d.get("path")))).append("</code></td><td>")
          .append(Svg.esc(format)).append("</td><td>").append(Svg.fmt(num(d.get("bytes"))))
          .append("</td><td>").append(v == null ? "" : Svg.esc(str(v.get("runtime"))))
          .append("</td><td>").append(v == null ? "" : Svg.fmt(num(v.get("max_abs_err"))))
          .append("</td><td>").append(v == null ? "" : Svg.fmt(num(v.get("top1_agreement"))))
          .append("</td></tr>");
    }
    b.append("</table>");
  }

  private static void steps(StringBuilder b, List<RunReport.StepReport> steps,
      List<RunReport.StepTiming> timings) {
    if (steps.isEmpty()) {
      return;
    }
    b.append("<h2>Steps</h2><table><tr><th>step</th><th>recipe line</th><th>seconds</th>")
        .append("<th>cached</th></tr>");
    for (int i = 0; i < steps.size(); i++) {
      RunReport.StepReport s = steps.get(i);
      RunReport.StepTiming t = timings.get(i);
      b.append("<tr><td>").append(Svg.esc(s.step())).append("</td><td>")
          .append(Svg.esc(s.origin())).append("</td><td>").append(Svg.fmt(t.seconds()))
          .append("</td><td>").append(t.cached() ? "yes" : "no").append("</td></tr>");
    }
    b.append("</table>");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : null;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List ? (List<Object>) o : List.of();
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }
}
