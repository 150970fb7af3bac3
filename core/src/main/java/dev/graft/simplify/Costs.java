package dev.graft.simplify;

import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;

/** Parameter and FLOP counts of a graph, for one sample. */
public final class Costs {
  private Costs() {}

  /** The graph with shapes inferred and every symbolic input axis bound to 1. */
  public static Graph concrete(Graph g) {
    Graph cur = g;
    for (ValueInfo v : g.inputs()) {
      if (v.shape() == null) {
        continue;
      }
      for (Dim d : v.shape().dims()) {
        if (!d.isKnown() && d.symbol() != null) {
          cur = cur.toBuilder().inputs(bindAll(cur, d.symbol())).build();
        }
      }
    }
    return ShapeInference.infer(cur);
  }

  private static java.util.List<ValueInfo> bindAll(Graph g, String symbol) {
    return g.inputs().stream()
        .map(v -> v.shape() == null ? v : v.withShape(v.shape().bind(symbol, 1)))
        .toList();
  }

  /** Floating-point weight elements. */
  public static long params(Graph g) {
    return g.parameterCount();
  }

  /**
   * Floating-point operations for one sample: 2 per multiply-accumulate of Conv, Gemm and MatMul,
   * plus one per output element of every other node.
   */
  public static long flops(Graph g) {
    Graph c = concrete(g);
    long total = 0;
    for (Node n : c.nodes()) {
      Shape os = c.info(n.output(0)).map(ValueInfo::shape).orElse(null);
      if (os == null || !os.isStatic()) {
        continue;
      }
      long outElems = Intervals.count(os.sizes());
      switch (n.op()) {
        case CONV: {
          Shape w = c.info(n.input(1)).map(ValueInfo::shape).orElse(null);
          if (w != null && w.isStatic()) {
            long[] k = w.sizes();
            total += 2 * outElems * k[1] * k[2] * k[3];
          }
          break;
        }
        case GEMM: case MAT_MUL: {
          Shape a = c.info(n.input(0)).map(ValueInfo::shape).orElse(null);
          if (a != null && a.isStatic()) {
            long[] s = a.sizes();
            long kdim = n.attrLong("transA", 0) != 0 ? s[s.length - 2] : s[s.length - 1];
            total += 2 * outElems * kdim;
          }
          break;
        }
        default:
          total += outElems;
      }
    }
    return total;
  }
}
