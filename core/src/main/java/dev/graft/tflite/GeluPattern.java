package dev.graft.tflite;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognizes the exact GELU that exporters spell out with Erf, {@code x · ½ · (1 + erf(x / √2))}
 * with {@code x / √2} or {@code x · (1/√2)} and the three factors multiplied in any order
 * (TorchScript's and the dynamo exporter's forms), and replaces it by one Gelu node.
 */
final class GeluPattern {
  private GeluPattern() {}

  static Graph run(Graph g) {
    Graph cur = g;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : cur.nodes()) {
        if (n.op() == Op.ERF) {
          Optional<Graph> next = match(cur, n);
          if (next.isPresent()) {
            cur = next.get();
            changed = true;
            break;
          }
        }
      }
    }
    return cur;
  }

  private static Optional<Graph> match(Graph g, Node erf) {
    Node scale = g.producer(erf.input(0)).orElse(null);
    if (scale == null) {
      return Optional.empty();
    }
    String x;
    if (scale.op() == Op.DIV && isConst(g, scale.input(1), (float) Math.sqrt(2))) {
      x = scale.input(0);
    } else if (scale.op() == Op.MUL && isConst(g, scale.input(1), (float) Math.sqrt(0.5))) {
      x = scale.input(0);
    } else if (scale.op() == Op.MUL && isConst(g, scale.input(0), (float) Math.sqrt(0.5))) {
      x = scale.input(1);
    } else {
      return Optional.empty();
    }
    Node add = sole(g, erf.output(0));
    if (add == null || add.op() != Op.ADD || !isConst(g, other(add, erf.output(0)), 1f)) {
      return Optional.empty();
    }
    // the product of add, x and ½ in any order: ((add·x)·½), ((add·½)·x), (add·(x·½))
    List<Node> remove = new ArrayList<>(List.of(scale, erf, add));
    String out = add.output(0);
    boolean haveX = false;
    boolean haveHalf = false;
    while (!(haveX && haveHalf)) {
      Node m = sole(g, out);
      if (m == null || m.op() != Op.MUL) {
        return Optional.empty();
      }
      String o = other(m, out);
      Node half = g.producer(o).orElse(null);
      if (!haveX && o.equals(x)) {
        haveX = true;
      } else if (!haveHalf && isConst(g, o, 0.5f)) {
        haveHalf = true;
      } else if (!haveX && !haveHalf && half != null && half.op() == Op.MUL
          && g.consumers(o).size() == 1
          && (half.input(0).equals(x) && isConst(g, half.input(1), 0.5f)
              || half.input(1).equals(x) && isConst(g, half.input(0), 0.5f))) {
        haveX = true;
        haveHalf = true;
        remove.add(half);
      } else {
        return Optional.empty();
      }
      remove.add(m);
      out = m.output(0);
    }
    if (g.consumers(scale.output(0)).size() != 1) {
      return Optional.empty();
    }
    Node gelu = Node.of(erf.name() + "_gelu", Op.GELU, List.of(x), List.of(out));
    Set<Node> gone = Set.copyOf(remove);
    int last = -1;
    for (int i = 0; i < g.nodes().size(); i++) {
      if (gone.contains(g.nodes().get(i))) {
        last = i;
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < g.nodes().size(); i++) {
      Node n = g.nodes().get(i);
      if (i == last) {
        nodes.add(gelu);
      } else if (!gone.contains(n)) {
        nodes.add(n);
      }
    }
    return Optional.of(g.toBuilder().nodes(nodes).pruneUnused().build());
  }

  static Node sole(Graph g, String t) {
    List<Node> c = g.consumers(t);
    return c.size() == 1 && !g.outputNames().contains(t) ? c.get(0) : null;
  }

  private static String other(Node n, String t) {
    return n.input(0).equals(t) ? n.input(1) : n.input(0);
  }

  private static boolean isConst(Graph g, String t, float v) {
    Optional<TensorData> c = g.constant(t);
    if (c.isEmpty() || c.get().elementCount() != 1 || !c.get().type().isFloating()) {
      return false;
    }
    return Math.abs(c.get().floats()[0] - v) <= 1e-4f * Math.abs(v);
  }
}
