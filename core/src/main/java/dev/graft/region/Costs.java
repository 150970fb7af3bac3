package dev.graft.region;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import java.util.HashSet;
import java.util.Set;

/**
 * Parameters and multiply-accumulates of a graph, per sample (symbolic axes bound to 1). MACs
 * count Conv, Gemm and MatMul, which dominate; other ops count zero. The one place costs are
 * counted: module tree, inspect and the compression reports (whose {@code flops} keys are MACs
 * per sample) all use it.
 *
 * <pre>{@code
 * long p = Costs.params(g), m = Costs.macs(g);
 * }</pre>
 */
public final class Costs {
  private final Graph shaped;
  private final Set<String> counted = new HashSet<>();

  private Costs(Graph shaped) {
    this.shaped = shaped;
  }

  /** Costs over a graph whose symbolic axes are bound to 1. */
  public static Costs of(Graph g) {
    return new Costs(concrete(g));
  }

  /** The graph with shapes inferred and every symbolic input axis bound to 1. */
  public static Graph concrete(Graph g) {
    Graph s = ShapeInference.infer(g);
    for (ValueInfo v : s.inputs()) {
      if (v.shape() != null) {
        for (var d : v.shape().dims()) {
          if (!d.isKnown()) {
            s = ShapeInference.bind(s, d.symbol(), 1);
          }
        }
      }
    }
    return s;
  }

  /** Floating-point weight elements of the whole graph. */
  public static long params(Graph g) {
    return g.parameterCount();
  }

  /** Multiply-accumulates of the whole graph for one sample. */
  public static long macs(Graph g) {
    Costs c = of(g);
    long total = 0;
    for (Node n : c.shaped.nodes()) {
      total += c.macs(n);
    }
    return total;
  }

  public Graph shapedGraph() {
    return shaped;
  }

  /**
   * Weight elements that a node reads and no earlier node read, so that summing over all nodes
   * counts each initializer once.
   */
  public long newParams(Node n) {
    long p = 0;
    for (String in : n.inputs()) {
      TensorData t = shaped.initializers().get(in);
      if (t != null && t.type().isFloating() && counted.add(in)) {
        p += t.elementCount();
      }
    }
    return p;
  }

  /** Multiply-accumulates of one node for one sample; 0 where a shape is not static. */
  public long macs(Node n) {
    try {
      switch (n.op()) {
        case CONV: {
          Shape w = shape(n.input(1));
          long perOut = 1;
          for (int i = 1; i < w.rank(); i++) {
            perOut *= w.dim(i).value();
          }
          return count(shape(n.output(0))) * perOut;
        }
        case GEMM: {
          Shape a = shape(n.input(0));
          long k = n.attrLong("transA", 0) == 0 ? a.dim(1).value() : a.dim(0).value();
          return count(shape(n.output(0))) * k;
        }
        case MAT_MUL: {
          Shape a = shape(n.input(0));
          return count(shape(n.output(0))) * a.dim(-1).value();
        }
        default:
          return 0;
      }
    } catch (IllegalStateException | NullPointerException e) {
      return 0;
    }
  }

  private Shape shape(String tensor) {
    return shaped.info(tensor).map(ValueInfo::shape).orElse(null);
  }

  private static long count(Shape s) {
    long n = 1;
    for (var d : s.dims()) {
      n *= d.value();
    }
    return n;
  }
}
