package dev.graft.simplify;

import dev.graft.graph.Graph;
import java.util.List;

/**
 * What {@link Simplifier#simplify} did: the simplified graph, the rewrites counted by kind, one
 * entry per ReLU layer examined, and parameters and FLOPs (per sample) before and after.
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
}
