package dev.graft.thin;

import dev.graft.graph.Graph;
import dev.graft.report.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Thinner#thin} did: the new graph, the selection method, one entry per channel group
 * (the channels a selected layer shares with the layers coupled to it), and the whole model's
 * parameters and MACs (per sample) before and after. {@link #toJson()} gives the report section.
 */
public record ThinResult(
    Graph graph,
    String select,
    List<Group> groups,
    long paramsBefore,
    long paramsAfter,
    long flopsBefore,
    long flopsAfter) {

  /**
   * One channel group: the selected layer it was found from, every layer producing its channels
   * (output rows sliced) and reading them (input columns sliced, refit with SOMP), the channel
   * count before and after (counting channels tied by residual Adds once), the kept channels, the
   * relative error with which each reading layer's teacher output is reconstructed on the
   * calibration data (empty without calibration), and why the group was left alone (null when
   * thinned).
   */
  public record Group(
      String layer,
      List<String> producers,
      List<String> consumers,
      int channelsBefore,
      int channelsAfter,
      int[] kept,
      Map<String, Double> reconstructionRelErr,
      String skipped) {

    public boolean coupled() {
      return producers.size() > 1;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("layer", layer);
      m.put("producers", producers);
      m.put("consumers", consumers);
      m.put("channels", Json.beforeAfter(channelsBefore, channelsAfter));
      m.put("channels_removed", channelsBefore - channelsAfter);
      if (kept != null) {
        m.put("kept", kept);
      }
      if (!reconstructionRelErr.isEmpty()) {
        m.put("reconstruction_rel_err", reconstructionRelErr);
      }
      List<String> notes = new ArrayList<>();
      if (skipped != null) {
        notes.add("left alone: " + skipped);
      } else if (coupled()) {
        notes.add("residual/concat coupling: one selection for " + producers.size()
            + " producers and " + consumers.size() + " consumers");
      }
      m.put("notes", notes);
      return m;
    }
  }

  /** Report section: method, per-group channels, params and MACs before and after, notes. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "thin");
    m.put("select", select);
    m.put("params", Json.beforeAfter(paramsBefore, paramsAfter));
    m.put("flops", Json.beforeAfter(flopsBefore, flopsAfter));
    m.put("layers", groups.stream().map(Group::toJson).toList());
    List<String> notes = new ArrayList<>();
    long left = groups.stream().filter(g -> g.skipped() != null).count();
    if (left > 0) {
      notes.add(left + " of " + groups.size() + " groups left alone");
    }
    m.put("notes", notes);
    return m;
  }
}
