package dev.graft.replace;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.region.Region;
import dev.graft.graph.GraphValidator;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts a fitted student in place of a region: the region's nodes go, the student's nodes and
 * weights (names under the student's prefix) come in writing the region's exit tensor, nodes are
 * re-sorted topologically, and whatever nothing reads any more is dropped. The teacher's inputs
 * and outputs keep their names and shapes. The teacher is not modified.
 */
public final class Splice {
  private Splice() {}

  public static Graph splice(Graph teacher, Region region, Student student,
      Map<String, TensorData> params) {
    Set<String> removed = new HashSet<>(region.nodeNames());
    Set<String> inside = new HashSet<>();
    for (String name : region.nodeNames()) {
      Node n = teacher.node(name).orElseThrow(() -> GraftException.badInput(
          "region %s..%s names node %s, which is not in the model", region.from(), region.to(),
          name));
      inside.addAll(n.outputs());
    }
    if (!inside.contains(region.exit())) {
      throw GraftException.badInput("region %s..%s: no node of the region writes its exit %s",
          region.from(), region.to(), region.exit());
    }
    for (Node n : teacher.nodes()) {
      if (removed.contains(n.name())) {
        continue;
      }
      for (String in : n.inputs()) {
        if (inside.contains(in) && !in.equals(region.exit())) {
          throw GraftException.badInput("region %s..%s: tensor %s leaves the region through node "
              + "%s besides its exit %s (a residual stream crossing the border?)", region.from(),
              region.to(), in, n.name(), region.exit());
        }
      }
    }
    for (var o : teacher.outputs()) {
      if (inside.contains(o.name()) && !o.name().equals(region.exit())) {
        throw GraftException.badInput("region %s..%s: model output %s is computed inside it",
            region.from(), region.to(), o.name());
      }
    }
    Graph s = student.graph();
    int opset = teacher.opset();
    if (s.opset() > opset) {
      boolean needs17 = s.nodes().stream().anyMatch(n -> n.op() == Op.LAYER_NORMALIZATION);
      if (opset >= 13) {
        opset = s.opset();
      } else if (needs17) {
        throw GraftException.badInput("the model uses opset %d; student %s needs opset 17",
            teacher.opset(), student.kind().cliName());
      }
    }
    // the student takes the region's place in the order: nodes after the region (a later block's
    // constants) must not be hoisted into it, or a later region would be resolved differently
    List<Node> nodes = new ArrayList<>();
    List<Long> order = new ArrayList<>();
    long slot = s.nodes().size() + 1L;
    int first = -1;
    for (int i = 0; i < teacher.nodes().size(); i++) {
      Node n = teacher.nodes().get(i);
      if (!removed.contains(n.name())) {
        nodes.add(n);
        order.add(i * slot + slot - 1);
      } else if (first < 0) {
        first = i;
      }
    }
    for (int j = 0; j < s.nodes().size(); j++) {
      nodes.add(s.nodes().get(j));
      order.add(Math.max(first, 0) * slot + j);
    }
    Graph.Builder b = teacher.toBuilder().opset(opset).nodes(topological(nodes, order, teacher));
    for (TensorData t : s.initializers().values()) {
      b.initializer(params.getOrDefault(t.name(), t));
    }
    b.metadata("graft.replaced." + region.from() + ".." + region.to(),
        student.kind().cliName());
    return GraphValidator.validateBuilt(b.pruneUnused().build(), "the model with the "
        + student.kind().cliName() + " student spliced in at " + region.label());
  }

  /** Kahn's order, preferring the lowest {@code order} key among ready nodes. */
  private static List<Node> topological(List<Node> nodes, List<Long> order, Graph teacher) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String o : nodes.get(i).outputs()) {
        producer.put(o, i);
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      users.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : new HashSet<>(nodes.get(i).inputs())) {
        Integer p = producer.get(in);
        if (p != null && p != i) {
          pending[i]++;
          users.get(p).add(i);
        }
      }
    }
    java.util.PriorityQueue<Integer> ready =
        new java.util.PriorityQueue<>(java.util.Comparator.comparing(order::get));
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Node> out = new ArrayList<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(nodes.get(i));
      for (int u : users.get(i)) {
        if (--pending[u] == 0) {
          ready.add(u);
        }
      }
    }
    if (out.size() != nodes.size()) {
      throw GraftException.failure("splicing into %s made a cycle", teacher.name());
    }
    return out;
  }
}
