package dev.graft.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The self-contained {@code report.html} of a run: summary tables and inline SVG plots of
 * parameters, MACs and latency before and after, per-region error and training loss curves. No
 * scripts, no external resources: it opens offline.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(Map<String, Object> r) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Graft report</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;")
        .append("padding:4px 10px;text-align:left}th{background:#f3f3f3}.plots{display:flex;")
        .append("flex-wrap:wrap;gap:16px}.ok{color:#2a7d2a}.bad{color:#b00020}</style></head><body>");
    b.append("<h1>Graft report</h1>");
    b.append("<p>Teacher <code>").append(Svg.esc(str(r.get("teacher")))).append("</code> · device ")
        .append(Svg.esc(str(r.get("device")))).append(" · seed ").append(str(r.get("seed")))
        .append(" · Graft ").append(Svg.esc(str(r.get("graft_version")))).append("</p>");
    summary(b, r);
    RoleFigures.table(b, r);
    b.append("<h2>Before and after</h2><div class='plots'>");
    pair(b, "Parameters", r.get("params"), "weights");
    pair(b, "MACs per sample", r.get("flops"), "multiply-accumulates");
    pair(b, "Latency (ms per sample)", r.get("latency_ms"), "ms");
    b.append("</div>");
    RoleFigures.render(b, r);
    regions(b, r);
    outputs(b, r);
    steps(b, r);
    b.append("</body></html>\n");
    return b.toString();
  }

  private static void summary(StringBuilder b, Map<String, Object> r) {
    b.append("<table><tr><th>measure</th><th>teacher</th><th>result</th></tr>");
    row(b, "parameters", r.get("params"));
    row(b, "MACs per sample", r.get("flops"));
    row(b, "latency, ms per sample", r.get("latency_ms"));
    row(b, "accuracy", r.get("accuracy"));
    b.append("</table>");
    Map<String, Object> f = map(r.get("fidelity"));
    if (f != null) {
      b.append("<table><tr><th>fidelity on held-out data</th><th>value</th></tr>");
      for (String k : List.of("top1_agreement", "max_abs_err", "rel_mse", "samples")) {
        b.append("<tr><td>").append(k).append("</td><td>").append(Svg.fmt(num(f.get(k))))
            .append("</td></tr>");
      }
      b.append("</table>");
    }
    List<Object> reqs = list(r.get("requirements"));
    if (!reqs.isEmpty()) {
      b.append("<table><tr><th>requirement</th><th>value</th><th>met</th></tr>");
      for (Object o : reqs) {
        Map<String, Object> q = map(o);
        boolean met = Boolean.TRUE.equals(q.get("met"));
        b.append("<tr><td>").append(Svg.esc(str(q.get("requirement")))).append("</td><td>")
            .append(Svg.fmt(num(q.get("value")))).append("</td><td class='")
            .append(met ? "ok'>yes" : "bad'>no").append("</td></tr>");
      }
      b.append("</table>");
    }
  }

  private static void row(StringBuilder b, String label, Object pair) {
    Map<String, Object> m = map(pair);
    if (m == null) {
      return;
    }
    b.append("<tr><td>").append(label).append("</td><td>").append(Svg.fmt(num(m.get("teacher"))))
        .append("</td><td>").append(Svg.fmt(num(m.get("result")))).append("</td></tr>");
  }

  private static void pair(StringBuilder b, String title, Object pair, String unit) {
    Map<String, Object> m = map(pair);
    if (m == null) {
      return;
    }
    b.append(Svg.bars(title, List.of("teacher", "result"), List.of(title),
        new double[][] {{num(m.get("teacher"))}, {num(m.get("result"))}}, unit));
  }

  private static void regions(StringBuilder b, Map<String, Object> r) {
    List<Object> regions = list(r.get("regions"));
    if (regions.isEmpty()) {
      return;
    }
    b.append("<h2>Regions</h2><table><tr><th>region</th><th>student</th><th>student params</th>")
        .append("<th>region params</th><th>train rel MSE</th><th>held-out rel MSE</th>")
        .append("<th>samples/s</th></tr>");
    List<String> labels = new ArrayList<>();
    double[][] err = new double[regions.size()][2];
    int i = 0;
    for (Object o : regions) {
      Map<String, Object> g = map(o);
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
    for (Object o : regions) {
      Map<String, Object> g = map(o);
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
  private static void outputs(StringBuilder b, Map<String, Object> r) {
    List<Map<String, Object>> files = new ArrayList<>();
    for (Object o : list(r.get("steps"))) {
      Map<String, Object> d = map(map(o).get("details"));
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

  private static void steps(StringBuilder b, Map<String, Object> r) {
    List<Object> steps = list(r.get("steps"));
    if (steps.isEmpty()) {
      return;
    }
    b.append("<h2>Steps</h2><table><tr><th>step</th><th>recipe line</th><th>seconds</th>")
        .append("<th>cached</th></tr>");
    for (Object o : steps) {
      Map<String, Object> s = map(o);
      b.append("<tr><td>").append(Svg.esc(str(s.get("step")))).append("</td><td>")
          .append(Svg.esc(str(s.get("origin")))).append("</td><td>")
          .append(Svg.fmt(num(s.get("seconds")))).append("</td><td>")
          .append(Boolean.TRUE.equals(s.get("cached")) ? "yes" : "no").append("</td></tr>");
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
