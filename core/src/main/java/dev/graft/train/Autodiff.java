package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over Graft's IR. Given a graph whose shapes are all static (bind the
 * batch first), a scalar loss tensor and the tensors to differentiate for, it returns the graph
 * with backward nodes appended and one extra output per such tensor, named {@link #gradName}.
 *
 * <pre>{@code
 * Graph withGrads = Autodiff.gradients(ShapeInference.bind(g, "batch", 32), "loss", List.of("w"));
 * // outputs: loss, ..., grad/w
 * }</pre>
 *
 * Supported operators are those {@link GradRules} knows; any other on the path from a parameter
 * to the loss is refused by node name.
 */
public final class Autodiff {
  private Autodiff() {}

  /** The output name that carries the gradient of the loss for {@code tensor}. */
  public static String gradName(String tensor) {
    return "grad/" + tensor;
  }

  public static Graph gradients(Graph graph, String loss, List<String> wrt) {
    Graph g = ShapeInference.infer(graph);
    ValueInfo lossInfo = g.info(loss).orElseThrow(
        () -> GraftException.badInput("loss tensor '%s' is not in the graph", loss));
    Context c = new Context(g, loss, wrt, false);
    if (NdShapes.count(c.shape(loss)) != 1) {
      throw GraftException.badInput("loss tensor '%s' is not a scalar: %s", loss,
          lossInfo.shape());
    }
    c.add(loss, c.e.floats(c.shape(loss), new double[] {1.0}));
    return backward(g, c, wrt);
  }

  /**
   * Differentiates from a given gradient: {@code seed} holds the loss's gradient for tensor
   * {@code from} (same shape), already computed in the graph. For a loss whose gradient has a
   * short closed form, such as MSE's {@code 2 (y - t) / n}, this spares the nodes that
   * differentiating the loss itself would add.
   */
  public static Graph gradientsFrom(Graph graph, String from, String seed, List<String> wrt) {
    return gradientsFrom(graph, from, seed, wrt, false);
  }

  /**
   * As above, for a graph that ONNX Runtime runs on {@code oneThread} intra-op thread or on
   * several: some gradients have a faster form on one thread (see {@link ConvGrad}).
   */
  public static Graph gradientsFrom(Graph graph, String from, String seed, List<String> wrt,
      boolean oneThread) {
    Graph g = ShapeInference.infer(graph);
    g.info(seed).orElseThrow(
        () -> GraftException.badInput("seed gradient '%s' is not in the graph", seed));
    Context c = new Context(g, from, wrt, oneThread);
    c.add(from, seed);
    return backward(g, c, wrt);
  }

  private static Graph backward(Graph g, Context c, List<String> wrt) {
    List<Node> nodes = g.nodes();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      boolean hasGrad = n.outputs().stream().anyMatch(c.contributions::containsKey);
      boolean feeds = n.inputs().stream().anyMatch(c::wants);
      if (hasGrad && feeds) {
        GradRules.backward(n, c);
      }
    }
    for (String w : wrt) {
      String gr = c.grad(w);
      String out = gradName(w);
      if (gr == null) {
        gr = c.e.op(Op.MUL, List.of(w, c.e.scalar(0.0)));
      }
      c.e.opTo(out, Op.IDENTITY, List.of(gr));
      c.b.output(new ValueInfo(out, c.e.floatType(), g.info(w).orElseThrow().shape()));
    }
    return c.b.build();
  }

  /** What the per-op rules need: shapes, the emitter, gradient bookkeeping. */
  static final class Context {
    final Graph g;
    final Graph.Builder b;
    final GraphEmitter e;
    final Map<String, List<String>> contributions = new HashMap<>();
    private final Map<String, String> combined = new HashMap<>();
    private final Map<String, String> shared = new HashMap<>();
    private final Set<String> wanted;
    /** Whether ONNX Runtime runs the graph on one intra-op thread. */
    final boolean oneThread;

    Context(Graph g, String loss, List<String> wrt, boolean oneThread) {
      this.g = g;
      this.oneThread = oneThread;
      this.b = g.toBuilder();
      DType t = g.info(loss).map(ValueInfo::type).orElse(DType.FLOAT);
      this.e = new GraphEmitter(b, "grad/", t);
      this.wanted = wanted(g, loss, wrt);
    }

    private static Set<String> wanted(Graph g, String loss, List<String> wrt) {
      Set<String> fromParams = new HashSet<>(wrt);
      for (Node n : g.nodes()) {
        if (n.inputs().stream().anyMatch(fromParams::contains)) {
          for (String o : n.outputs()) {
            if (g.info(o).map(v -> v.type().isFloating()).orElse(false)) {
              fromParams.add(o);
            }
          }
        }
      }
      Set<String> toLoss = new HashSet<>(Set.of(loss));
      List<Node> nodes = g.nodes();
      for (int i = nodes.size() - 1; i >= 0; i--) {
        Node n = nodes.get(i);
        if (n.outputs().stream().anyMatch(toLoss::contains)) {
          toLoss.addAll(n.inputs());
        }
      }
      fromParams.retainAll(toLoss);
      return fromParams;
    }

    /**
     * The tensor {@code make} emits, emitted once per {@code key}: a form of a tensor that several
     * rules need (a layout change of a conv input two convs read).
     */
    String once(String key, java.util.function.Supplier<String> make) {
      return shared.computeIfAbsent(key, k -> make.get());
    }

    boolean wants(String tensor) {
      return !tensor.isEmpty() && wanted.contains(tensor);
    }

    void add(String tensor, String grad) {
      if (grad != null && wanted.contains(tensor)) {
        contributions.computeIfAbsent(tensor, k -> new ArrayList<>()).add(grad);
        combined.remove(tensor);
      }
    }

    /** The summed gradient for a tensor, or null when nothing flows into it. */
    String grad(String tensor) {
      List<String> parts = contributions.get(tensor);
      if (parts == null) {
        return null;
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      return combined.computeIfAbsent(tensor, k -> e.op(Op.SUM, parts));
    }

    long[] shape(String tensor) {
      ValueInfo v = g.info(tensor).orElseThrow(
          () -> GraftException.badInput("autodiff: tensor '%s' has no known shape", tensor));
      if (v.shape() == null || !v.shape().isStatic()) {
        throw GraftException.badInput(
            "autodiff: tensor '%s' has shape %s; bind symbolic axes first", tensor, v.shape());
      }
      return v.shape().sizes();
    }

    /** Sums a gradient of shape {@code from} down to the broadcast input shape {@code to}. */
    String sumTo(String grad, long[] from, long[] to) {
      if (java.util.Arrays.equals(from, to)) {
        return grad;
      }
      List<Long> axes = new ArrayList<>();
      int lead = from.length - to.length;
      for (int i = 0; i < from.length; i++) {
        if (i < lead || (to[i - lead] == 1 && from[i] != 1)) {
          axes.add((long) i);
        }
      }
      int j = axes.size();
      String r = grad;
      long[] got;
      if (j > 0 && j < from.length && axes.get(j - 1) == j - 1) {
        // Summing over leading axes (a bias gradient): one product with a vector of ones, far
        // faster in ONNX Runtime than ReduceSum over the outer axes.
        long rows = NdShapes.count(java.util.Arrays.copyOfRange(from, 0, j));
        got = new long[] {NdShapes.count(java.util.Arrays.copyOfRange(from, j, from.length))};
        if (from.length != 2) {
          r = e.op(Op.RESHAPE, List.of(r, e.longs(rows, got[0])));
        }
        double[] ones = new double[(int) rows];
        java.util.Arrays.fill(ones, 1.0);
        r = e.op(Op.MAT_MUL, List.of(e.floats(new long[] {rows}, ones), r));
      } else {
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < from.length; i++) {
          if (!axes.contains((long) i)) {
            kept.add(from[i]);
          }
        }
        got = kept.stream().mapToLong(Long::longValue).toArray();
        if (j > 0) {
          long[] ax = axes.stream().mapToLong(Long::longValue).toArray();
          r = e.op(Op.REDUCE_SUM, List.of(grad, e.longs(ax)),
              dev.graft.graph.Attribute.of("keepdims", 0L));
        }
      }
      return java.util.Arrays.equals(got, to) ? r : e.op(Op.RESHAPE, List.of(r, e.longs(to)));
    }
  }
}
