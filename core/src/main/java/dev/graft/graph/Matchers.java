package dev.graft.graph;

import java.util.List;
import java.util.Optional;

/** The small questions rewrite rules ask of a graph, answered one way for all of them. */
public final class Matchers {
  private Matchers() {}

  /** The one node that reads {@code t}, or null when several do, none does, or t is an output. */
  public static Node sole(GraphView g, String t) {
    List<Node> c = g.consumers(t);
    return c.size() == 1 && !g.isOutput(t) ? c.get(0) : null;
  }

  /** The other operand of a two-input node that reads {@code t}. */
  public static String other(Node n, String t) {
    return n.input(0).equals(t) ? n.input(1) : n.input(0);
  }

  /** Whether {@code t} is a floating-point constant of one element equal to {@code v} (±1e-4·v). */
  public static boolean isScalar(GraphView g, String t, float v) {
    Optional<TensorData> c = g.constant(t);
    if (c.isEmpty() || c.get().elementCount() != 1 || !c.get().type().isFloating()) {
      return false;
    }
    return Math.abs(c.get().floats()[0] - v) <= 1e-4f * Math.abs(v);
  }

  /** {@code base}, or {@code base_1}, {@code base_2}, ... : the first name nothing has taken. */
  public static String fresh(GraphView g, String base) {
    String n = base;
    int k = 1;
    while (g.isTaken(n)) {
      n = base + "_" + k++;
    }
    return n;
  }
}
