package dev.graft.verify;

import dev.graft.data.CalibrationSource;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs a model over a data set and keeps every output, so each can be measured by its role
 * against a reference's ({@link RoleMetrics}).
 *
 * <pre>{@code
 * Map<String, NdArray> t = RoleEvaluator.outputs(teacher, data, Device.CPU, 64);
 * List<RoleMetrics.Result> r = RoleEvaluator.compare(student, t, roles, data, labels, Device.CPU, 64);
 * }</pre>
 */
public final class RoleEvaluator {
  private RoleEvaluator() {}

  /** Every output of {@code model} over the whole data set, rows concatenated, by name. */
  public static Map<String, NdArray> outputs(Graph model, CalibrationSource data, Device device,
      int batch) {
    List<String> names = model.outputNames();
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    try (OrtRunner r = OrtRunner.open(model, device)) {
      for (int s = 0; s < data.size(); s += batch) {
        int n = Math.min(batch, data.size() - s);
        Map<String, NdArray> res = r.run(data.batch(s, n), new LinkedHashSet<>(names));
        for (String name : names) {
          parts.computeIfAbsent(name, k -> new ArrayList<>()).add(res.get(name));
        }
      }
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((k, v) -> out.put(k, NdArray.concatRows(v)));
    return out;
  }

  /** {@code model}'s outputs on {@code data} measured by role against {@code reference}'s. */
  public static List<RoleMetrics.Result> compare(Graph model, Map<String, NdArray> reference,
      OutputRoles roles, CalibrationSource data, long[] labels, Device device, int batch) {
    return RoleMetrics.measure(roles, outputs(model, data, device, batch), reference, labels);
  }

  /** Metrics that count things: integers in a report, though measured as doubles. */
  private static final java.util.Set<String> COUNTS =
      java.util.Set.of("rows", "near_ties", "anchors", "positives_teacher", "positives_result");

  /**
   * Role metrics as a report section: output name to its role, options and metrics (counts as
   * {@code Long}).
   */
  public static Map<String, Object> section(List<RoleMetrics.Result> results) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RoleMetrics.Result r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("role", r.role().kind().key());
      m.put("spec", r.role().describe());
      m.put("primary", r.role().kind().primary());
      r.values().forEach((k, v) -> m.put(k, COUNTS.contains(k) ? (Object) Math.round(v) : v));
      out.put(r.role().output(), m);
    }
    return out;
  }
}
