package dev.graft.lowrank;

import dev.graft.graph.Graph;
import java.util.List;

/**
 * What {@link LowRank#factorize} did: the new graph, one entry per selected layer, and the whole
 * model's parameters and FLOPs (per sample) before and after.
 */
public record LowRankResult(
    Graph graph,
    List<Layer> layers,
    long paramsBefore,
    long paramsAfter,
    long flopsBefore,
    long flopsAfter) {

  /**
   * One selected layer: its module path (or node name), full rank, chosen rank, parameters
   * before and after (equal when skipped), the kept energy fraction, the relative error of the
   * weights ‖W−W'‖²/‖W‖², the relative error of the layer's output on the calibration inputs
   * (NaN without calibration), whether the data-aware variant was used, and why it was left
   * alone (null when factorized).
   */
  public record Layer(
      String layer,
      String split,
      int fullRank,
      int rank,
      long paramsBefore,
      long paramsAfter,
      double energyKept,
      double weightRelErr,
      double outputRelErr,
      boolean dataAware,
      String skipped) {}

  public int factorizedCount() {
    return (int) layers.stream().filter(l -> l.skipped() == null).count();
  }
}
