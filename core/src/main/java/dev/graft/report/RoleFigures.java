package dev.graft.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's figures per output role: for every model output, its role metrics on the teacher
 * (where every agreement is 1 and every error 0) and after each step, as a table and a bar chart,
 * and for scores the count of positive decisions, so what a detector lost shows at a glance.
 */
final class RoleFigures {
  private RoleFigures() {}

  /** The metrics plotted per role, and their values on the teacher itself. */
  private static final Map<String, Map<String, Double>> PLOTTED = Map.of(
      "classes", ordered("top1_agreement", 1.0),
      "scores", ordered("precision", 1.0, "recall", 1.0, "f1", 1.0),
      "boxes", ordered("mean_abs_err", 0.0, "max_abs_err", 0.0),
      "embedding", ordered("mean_cosine", 1.0, "min_cosine", 1.0),
      "regression", ordered("rel_err", 0.0));

  private static Map<String, Double> ordered(Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Double) kv[i + 1]);
    }
    return m;
  }

  /** A table of the result's metrics per output, by role (the report's {@code roles}). */
  @SuppressWarnings("unchecked")
  static void table(StringBuilder b, Map<String, Object> roles) {
    if (roles == null || roles.isEmpty()) {
      return;
    }
    b.append("<table><tr><th>output</th><th>role</th><th>metrics of the result against the")
        .append(" teacher</th></tr>");
    for (Map.Entry<?, ?> e : roles.entrySet()) {
      Map<String, Object> m = (Map<String, Object>) e.getValue();
      StringBuilder cells = new StringBuilder();
      for (Map.Entry<String, Object> v : m.entrySet()) {
        if (v.getValue() instanceof Number x && !v.getKey().equals("threshold")) {
          cells.append(cells.length() > 0 ? ", " : "").append(Svg.esc(v.getKey())).append(' ')
              .append(Svg.fmt(x.doubleValue()));
        }
      }
      String spec = String.valueOf(m.get("spec"));
      b.append("<tr><td>").append(Svg.esc(String.valueOf(e.getKey()))).append("</td><td>")
          .append(Svg.esc(spec.substring(spec.indexOf('=') + 1))).append("</td><td>")
          .append(cells).append("</td></tr>");
    }
    b.append("</table>");
  }

  @SuppressWarnings("unchecked")
  static void render(StringBuilder b, List<RunReport.StepReport> steps) {
    List<String> labels = new ArrayList<>(List.of("teacher"));
    List<Map<String, Object>> perStep = new ArrayList<>();
    int n = 0;
    for (RunReport.StepReport s : steps) {
      n++;
      if (s.roles() != null) {
        labels.add("after " + n + " " + s.step().split(" ", 2)[0]);
        perStep.add(s.roles());
      }
    }
    if (perStep.isEmpty()) {
      return;
    }
    b.append("<h2>Outputs by role, before and after each step</h2><div class='plots'>");
    for (String output : perStep.get(0).keySet()) {
      Map<String, Object> first = (Map<String, Object>) perStep.get(0).get(output);
      String role = String.valueOf(first.get("role"));
      Map<String, Double> plotted = PLOTTED.getOrDefault(role, Map.of());
      List<String> series = new ArrayList<>(plotted.keySet());
      double[][] values = new double[labels.size()][series.size()];
      for (int s = 0; s < series.size(); s++) {
        values[0][s] = plotted.get(series.get(s));
        for (int k = 0; k < perStep.size(); k++) {
          values[k + 1][s] = num(((Map<String, Object>) perStep.get(k).get(output))
              .get(series.get(s)));
        }
      }
      String title = output + " (" + first.get("spec").toString().substring(output.length() + 1)
          + ")";
      b.append(Svg.bars(title, labels, series, values, role.equals("boxes")
          || role.equals("regression") ? "error" : "share"));
      if (role.equals("scores")) {
        double[][] counts = new double[labels.size()][1];
        counts[0][0] = num(first.get("positives_teacher"));
        for (int k = 0; k < perStep.size(); k++) {
          counts[k + 1][0] = num(((Map<String, Object>) perStep.get(k).get(output))
              .get("positives_result"));
        }
        b.append(Svg.bars(output + ": positive decisions", labels, List.of("positives"), counts,
            "count"));
      }
    }
    b.append("</div>");
  }

  private static double num(Object o) {
    return o instanceof Number x ? x.doubleValue() : Double.NaN;
  }
}
