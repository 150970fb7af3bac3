package dev.graft.simplify;

import dev.graft.graph.Graph;
import dev.graft.report.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Simplifier#simplify} did: the simplified graph, the rewrites counted by kind, one
 * entry per ReLU layer examined, and parameters and MACs (per sample) before and after.
 * {@link #toJson()} gives the report section.
 *
 * @param domain "input-box [lo, hi]", "calibration (N samples)" or "none"
 */
public record SimplifyResult(
    Graph graph,
    String domain,
    List<String> batchNormsFolded,
    int identitiesRemoved,
    int constantNodesFolded,
    List<ReluLayer> reluLayers,
    long paramsBefore,
    long paramsAfter,
    long flopsBefore,
    long flopsAfter) {

  /**
   * One {@code layer → Relu → next} chain: its units, how many were never active (removed), always
   * active, folded into a direct linear path, whether the two layers collapsed into one, and the
   * margin: the smallest distance from zero of a stable unit's pre-activation on the domain
   * (infinite when no unit is stable).
   */
  public record ReluLayer(
      String layer,
      int units,
      int dead,
      int active,
      int activeFolded,
      boolean collapsed,
      double margin,
      String note) {}

  public int unitsRemoved() {
    return reluLayers.stream().mapToInt(r -> r.dead() + r.activeFolded()).sum();
  }

  /** Report section: domain, rewrites, per-layer units removed, params and MACs, notes. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "simplify");
    m.put("domain", domain);
    m.put("params", Json.beforeAfter(paramsBefore, paramsAfter));
    m.put("flops", Json.beforeAfter(flopsBefore, flopsAfter));
    m.put("batch_norms_folded", batchNormsFolded);
    m.put("identities_removed", identitiesRemoved);
    m.put("constant_nodes_folded", constantNodesFolded);
    m.put("units_removed", unitsRemoved());
    List<Map<String, Object>> layers = new ArrayList<>();
    for (ReluLayer r : reluLayers) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("layer", r.layer());
      e.put("units", r.units());
      e.put("units_removed", r.dead() + r.activeFolded());
      e.put("dead", r.dead());
      e.put("always_active", r.active());
      e.put("active_folded", r.activeFolded());
      e.put("collapsed", r.collapsed());
      e.put("margin", r.margin());
      e.put("notes", r.note() == null ? List.of() : List.of(r.note()));
      layers.add(e);
    }
    m.put("layers", layers);
    List<String> notes = new ArrayList<>();
    if (domain.startsWith("calibration")) {
      notes.add("empirical: stable on the calibration samples only; margins say by how much");
    } else if (domain.startsWith("input-box")) {
      notes.add("sound: interval bounds hold on the whole input box");
    }
    m.put("notes", notes);
    return m;
  }
}
