package dev.graft.replace;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ValueInfo;
import dev.graft.region.Region;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The graph fine-tuning trains: the spliced model from the region's entry (and side inputs) to its
 * target (the first output, or the tensor a role loss reads), the student's weights trainable and everything after it frozen as constants. The
 * part before the region is left out where the rest of the model does not read it; a model input
 * the rest still reads becomes an input too.
 */
final class Finetune {
  private Finetune() {}

  /**
   * What fine-tuning reads, in order: the region's entry, its side inputs, then any model input
   * the rest of the model reads past them.
   */
  static List<String> inputs(Graph model, Region region) {
    return inputs(model, region, model.outputNames().get(0));
  }

  /** As above, for fine-tuning on {@code target} (a tensor downstream of the region). */
  static List<String> inputs(Graph model, Region region, String target) {
    Set<String> stops = stops(model, region);
    Set<String> needed = needed(model, stops, target).tensors;
    List<String> in = new ArrayList<>();
    for (String s : stops) {
      if (needed.contains(s)) {
        in.add(s);
      }
    }
    if (!in.contains(region.entry())) {
      throw GraftException.badInput("region %s..%s does not lead to the model output %s; "
          + "nothing to fine-tune through", region.from(), region.to(), target);
    }
    return in;
  }

  /** The spliced model cut to {@link #inputs} and {@code target}. */
  static Graph graph(Graph spliced, Graph teacher, Region region, String target) {
    List<String> in = inputs(teacher, region, target);
    Graph shaped = Students.shaped(teacher);
    List<ValueInfo> infos = new ArrayList<>();
    for (String s : in) {
      ValueInfo v = shaped.info(s).orElseThrow();
      infos.add(v.withShape(Students.shapeOf(shaped, s, region)));
    }
    Reach r = needed(spliced, stops(spliced, region), target);
    ValueInfo out = spliced.outputs().stream().filter(o -> o.name().equals(target)).findFirst()
        .orElseGet(() -> shaped.info(target).orElseThrow());
    return spliced.toBuilder().inputs(infos).outputs(List.of(out))
        .nodes(r.nodes).pruneUnused().build();
  }

  private static Set<String> stops(Graph model, Region region) {
    Set<String> stops = new LinkedHashSet<>();
    stops.add(region.entry());
    stops.addAll(region.sideInputs());
    stops.addAll(model.inputNames());
    return stops;
  }

  private record Reach(Set<String> tensors, List<Node> nodes) {}

  /** Tensors and nodes {@code target} depends on, walking back no further than the stops. */
  private static Reach needed(Graph model, Set<String> stops, String target) {
    Set<String> tensors = new HashSet<>(List.of(target));
    List<Node> nodes = new ArrayList<>();
    List<Node> all = model.nodes();
    for (int i = all.size() - 1; i >= 0; i--) {
      Node n = all.get(i);
      boolean used = n.outputs().stream().anyMatch(o -> tensors.contains(o) && !stops.contains(o));
      if (used) {
        nodes.add(0, n);
        for (String s : n.inputs()) {
          if (!s.isEmpty()) {
            tensors.add(s);
          }
        }
      }
    }
    return new Reach(tensors, nodes);
  }
}
