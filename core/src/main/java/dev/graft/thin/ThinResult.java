package dev.graft.thin;

import dev.graft.graph.Graph;
import java.util.List;

/**
 * What {@link Thinner#thin} did: the new graph, one entry per selected layer, and the whole
 * model's parameters and FLOPs (per sample) before and after.
 */
public record ThinResult(
    Graph graph,
    String select,
    List<Layer> layers,
    long paramsBefore,
    long paramsAfter,
    long flopsBefore,
    long flopsAfter) {

  /**
   * One thinned layer: its module path, the layers reading its channels, channels before and
   * after, the kept channel indices, and the relative error with which the next layer's
   * pre-activation output is reconstructed on the calibration data (NaN without calibration);
   * {@code skipped} says why a matched layer was left alone (null when thinned).
   */
  public record Layer(
      String layer,
      List<String> next,
      int channelsBefore,
      int channelsAfter,
      int[] kept,
      double reconstructionRelErr,
      String skipped) {}
}
