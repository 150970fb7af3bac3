package dev.graft.lowrank;

import dev.graft.graph.Graph;
import dev.graft.report.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link LowRank#factorize} did: the new graph, one entry per selected layer, and the whole
 * model's parameters and MACs (per sample) before and after. {@link #toJson()} gives the
 * report section.
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

  /** Report section: per-layer rank, params, errors and notes; params and MACs of the model. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "lowrank");
    m.put("params", Json.beforeAfter(paramsBefore, paramsAfter));
    m.put("flops", Json.beforeAfter(flopsBefore, flopsAfter));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Layer l : layers) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("layer", l.layer());
      e.put("split", l.split());
      e.put("rank", Json.beforeAfter(l.fullRank(), l.rank()));
      e.put("params", Json.beforeAfter(l.paramsBefore(), l.paramsAfter()));
      e.put("energy_kept", l.energyKept());
      e.put("weight_rel_err", l.weightRelErr());
      if (!Double.isNaN(l.outputRelErr())) {
        e.put("output_rel_err", l.outputRelErr());
      }
      e.put("data_aware", l.dataAware());
      e.put("notes", l.skipped() == null ? List.of() : List.of("left alone: " + l.skipped()));
      out.add(e);
    }
    m.put("layers", out);
    List<String> notes = new ArrayList<>();
    notes.add(factorizedCount() + " of " + layers.size() + " layers factorized");
    m.put("notes", notes);
    return m;
  }
}
