package dev.graft.tflite;

import static dev.graft.graph.Matchers.isScalar;
import static dev.graft.graph.Matchers.other;
import static dev.graft.graph.Matchers.sole;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.GraphView;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Rewrite;
import dev.graft.graph.Rewriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognizes the exact GELU that exporters spell out with Erf, {@code x · ½ · (1 + erf(x / √2))}
 * with {@code x / √2} or {@code x · (1/√2)} and the three factors multiplied in any order
 * (TorchScript's and the dynamo exporter's forms), and replaces it by one Gelu node; likewise
 * the tanh approximation {@code x · ½ · (1 + tanh(√(2/π) (x + 0.044715 x³)))} by a Gelu with
 * {@code approximate="tanh"}.
 */
final class GeluPattern {
  private GeluPattern() {}

  /** The rule, anchored at the Erf or Tanh of a GELU. */
  static final Rewriter.Rule RULE = (g, n) ->
      n.op() == Op.ERF || n.op() == Op.TANH ? match(g, n) : Optional.empty();

  static Graph run(Graph g) {
    return Rewriter.toFixpoint(g, RULE);
  }

  /** The input x of the GELU around {@code core} and the nodes that compute core's input. */
  private record Front(String x, List<Node> nodes) {}

  private static Optional<Rewrite> match(GraphView g, Node core) {
    Front front = core.op() == Op.ERF ? erfFront(g, core) : tanhFront(g, core);
    if (front == null) {
      return Optional.empty();
    }
    String x = front.x();
    Node add = sole(g, core.output(0));
    if (add == null || add.op() != Op.ADD || !isScalar(g, other(add, core.output(0)), 1f)) {
      return Optional.empty();
    }
    // the product of add, x and ½ in any order: ((add·x)·½), ((add·½)·x), (add·(x·½))
    List<Node> remove = new ArrayList<>(front.nodes());
    remove.add(core);
    remove.add(add);
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
      } else if (!haveHalf && isScalar(g, o, 0.5f)) {
        haveHalf = true;
      } else if (!haveX && !haveHalf && half != null && half.op() == Op.MUL
          && g.consumers(o).size() == 1
          && (half.input(0).equals(x) && isScalar(g, half.input(1), 0.5f)
              || half.input(1).equals(x) && isScalar(g, half.input(0), 0.5f))) {
        haveX = true;
        haveHalf = true;
        remove.add(half);
      } else {
        return Optional.empty();
      }
      remove.add(m);
      out = m.output(0);
    }
    Node gelu = core.op() == Op.ERF
        ? Node.of(core.name() + "_gelu", Op.GELU, List.of(x), List.of(out))
        : new Node(core.name() + "_gelu", Op.GELU, List.of(x), List.of(out),
            List.of(Attribute.of("approximate", "tanh")));
    return Optional.of(Rewrite.replaceLatest(remove, List.of(gelu)));
  }

  /** {@code x / √2} or {@code x · (1/√2)} in front of an Erf. */
  private static Front erfFront(GraphView g, Node erf) {
    Node scale = g.producer(erf.input(0)).orElse(null);
    if (scale == null || sole(g, scale.output(0)) != erf) {
      return null;
    }
    if (scale.op() == Op.DIV && isScalar(g, scale.input(1), (float) Math.sqrt(2))) {
      return new Front(scale.input(0), List.of(scale));
    }
    String x = scaledBy(g, scale, (float) Math.sqrt(0.5));
    return x == null ? null : new Front(x, List.of(scale));
  }

  /** {@code √(2/π) · (x + 0.044715 · x³)} in front of a Tanh, x³ as Pow(x, 3) or x · (x · x). */
  private static Front tanhFront(GraphView g, Node tanh) {
    Node scale = g.producer(tanh.input(0)).orElse(null);
    if (scale == null || sole(g, scale.output(0)) != tanh) {
      return null;
    }
    String inner = scaledBy(g, scale, (float) Math.sqrt(2 / Math.PI));
    Node sum = inner == null ? null : g.producer(inner).orElse(null);
    if (sum == null || sum.op() != Op.ADD || sole(g, inner) != scale) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      String x = sum.input(i);
      Node cubic = g.producer(sum.input(1 - i)).orElse(null);
      String cube = cubic == null ? null : scaledBy(g, cubic, 0.044715f);
      Node c3 = cube == null ? null : g.producer(cube).orElse(null);
      if (c3 == null || sole(g, cubic.output(0)) != sum || sole(g, cube) != cubic) {
        continue;
      }
      if (c3.op() == Op.POW && c3.input(0).equals(x) && isScalar(g, c3.input(1), 3f)) {
        return new Front(x, List.of(scale, sum, cubic, c3));
      }
      if (c3.op() == Op.MUL && (c3.input(0).equals(x) || c3.input(1).equals(x))) {
        Node sq = g.producer(other(c3, x)).orElse(null);
        if (sq != null && sq.op() == Op.MUL && sq.input(0).equals(x) && sq.input(1).equals(x)
            && sole(g, sq.output(0)) == c3) {
          return new Front(x, List.of(scale, sum, cubic, c3, sq));
        }
      }
    }
    return null;
  }

  /** The other operand of a Mul by the constant {@code k} (either side), or null. */
  private static String scaledBy(GraphView g, Node mul, float k) {
    if (mul.op() != Op.MUL) {
      return null;
    }
    if (isScalar(g, mul.input(1), k)) {
      return mul.input(0);
    }
    return isScalar(g, mul.input(0), k) ? mul.input(1) : null;
  }
}
