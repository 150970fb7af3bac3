package dev.graft.exec;

import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives a graph built for a batch of 1 a symbolic batch, where that is provably safe: walking the
 * graph, every tensor computed from the inputs must keep the samples on its first axis, apart,
 * through every node (convolutions, elementwise ops, matrix products with constant weights,
 * reductions and layout changes away from that axis); a {@code Reshape} to a constant shape that
 * starts with the batch of 1 gets 0 there (keep the first axis), and one whose shape is computed
 * from {@code Shape} of a batched tensor is kept. The rewritten graph's shapes are then inferred
 * with the batch symbolic, and every batched tensor must have exactly that symbol as its first
 * axis and nowhere else. Anything else (a concat or reduction over the first axis, an op not
 * listed, a shape that does not resolve) is not proved, and the graph is refused.
 *
 * <p>Used where whole batches must flow through one graph: fine-tuning through the frozen rest of
 * a fixed-batch model. Inference never needs it: {@link OrtRunner} runs such models chunk by
 * chunk, exactly.
 */
public final class BatchRebinding {
  /** Tensors known to hold samples on axis 0; tensors that do not depend on the inputs. */
  private final Set<String> batched = new HashSet<>();
  private final Set<String> constant = new HashSet<>();
  /** Small integer tensors computed from the shapes of batched tensors (shape arithmetic). */
  private final Set<String> shapes = new HashSet<>();

  private BatchRebinding() {}

  /** True when some input of the graph declares a known size for its first axis. */
  public static boolean declaresFixedBatch(Graph g) {
    return g.inputs().stream().anyMatch(v -> v.shape() != null && v.shape().rank() > 0
        && v.shape().dim(0).isKnown());
  }

  /**
   * The graph with the first axis of its inputs and outputs symbolic ({@code symbol}), and the
   * Reshapes that hard-code the batch rewritten; empty when the graph may mix samples.
   */
  public static Optional<Graph> symbolic(Graph g, String symbol) {
    Graph shaped;
    try {
      shaped = ShapeInference.infer(g);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    BatchRebinding r = new BatchRebinding();
    r.constant.addAll(g.initializers().keySet());
    List<ValueInfo> ins = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      Shape s = v.shape();
      if (s == null || s.rank() == 0 || (s.dim(0).isKnown() && s.dim(0).value() != 1)) {
        return Optional.empty();
      }
      r.batched.add(v.name());
      ins.add(v.withShape(s.withDim(0, Dim.symbol(symbol))));
    }
    Graph.Builder b = g.toBuilder().inputs(ins).clearValueInfo();
    Map<String, TensorData> newShapes = new HashMap<>();
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      Node m = r.visit(shaped, n, newShapes);
      if (m == null) {
        return Optional.empty();
      }
      nodes.add(m);
    }
    List<ValueInfo> outs = new ArrayList<>();
    for (ValueInfo o : g.outputs()) {
      if (!r.batched.contains(o.name())) {
        return Optional.empty();
      }
      outs.add(o.shape() == null || o.shape().rank() == 0 ? o
          : o.withShape(o.shape().withDim(0, Dim.symbol(symbol))));
    }
    newShapes.values().forEach(b::initializer);
    Graph out = b.nodes(nodes).outputs(outs).pruneUnused().build();
    return r.batchStaysFirst(out, symbol) ? Optional.of(out) : Optional.empty();
  }

  /** Whether every batched tensor has the symbol as its first axis and on no other axis. */
  private boolean batchStaysFirst(Graph g, String symbol) {
    Graph shaped;
    try {
      shaped = ShapeInference.infer(g);
    } catch (RuntimeException e) {
      return false;
    }
    for (String t : batched) {
      Shape s = shaped.info(t).map(ValueInfo::shape).orElse(null);
      if (s == null && shaped.producer(t).isEmpty() && !g.inputNames().contains(t)) {
        continue; // pruned: nothing reads it
      }
      if (s == null || s.rank() == 0 || !s.dim(0).equals(Dim.symbol(symbol))) {
        return false;
      }
      for (int i = 1; i < s.rank(); i++) {
        if (!s.dim(i).isKnown()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The node as it runs on a batch, or null when it may mix samples. */
  private Node visit(Graph g, Node n, Map<String, TensorData> newShapes) {
    List<String> ins = n.inputs().stream().filter(i -> !i.isEmpty()).toList();
    if (ins.stream().allMatch(constant::contains)) {
      constant.addAll(n.outputs());
      return n;
    }
    if (n.op() == Op.SHAPE && batched.contains(n.input(0))
        || ins.stream().allMatch(i -> constant.contains(i) || shapes.contains(i))) {
      shapes.addAll(n.outputs());
      return n;
    }
    if (n.op() == Op.RESHAPE && batched.contains(n.input(0)) && shapes.contains(n.input(1))) {
      batched.add(n.output(0)); // checked once shapes are inferred with the batch symbolic
      return n;
    }
    if (!ins.stream().allMatch(i -> constant.contains(i) || batched.contains(i))) {
      return null;
    }
    int rank = rank(g, n.output(0));
    if (rank <= 0 || !keepsSamples(g, n, rank)) {
      return null;
    }
    Node out = n;
    if (n.op() == Op.RESHAPE) {
      TensorData shape = g.constant(n.input(1)).orElse(null);
      if (shape == null || n.attrLong("allowzero", 0) != 0 || !batched.contains(n.input(0))
          || rank(g, n.input(0)) < 1) {
        return null;
      }
      long[] s = shape.longs();
      if (s.length == 0 || (s[0] != 1 && s[0] != 0)) {
        return null;
      }
      s[0] = 0;
      String name = n.input(1) + ".batch_" + n.name();
      newShapes.put(name, TensorData.ofLongs(name, new long[] {s.length}, s));
      out = n.withInputs(List.of(n.input(0), name));
    }
    for (String o : n.outputs()) {
      if (!o.isEmpty()) {
        batched.add(o);
      }
    }
    return out;
  }

  /** Whether the node keeps each sample on axis 0 of its outputs, computed from it alone. */
  private boolean keepsSamples(Graph g, Node n, int rank) {
    for (String i : n.inputs()) {
      if (i.isEmpty()) {
        continue;
      }
      boolean weightLike = constant.contains(i) && isWeightInput(n, n.inputs().indexOf(i));
      if (batched.contains(i) && rank(g, i) != rank && !isReshapeLike(n)) {
        return false;
      }
      if (constant.contains(i) && !weightLike && rank(g, i) == rank && dim0(g, i) != 1) {
        return false;
      }
    }
    if (n.op().isUnaryElementwise() || n.op().isBroadcasting()) {
      return true;
    }
    switch (n.op()) {
      case CONV: case CONV_TRANSPOSE: case MAX_POOL: case AVERAGE_POOL: case GLOBAL_AVERAGE_POOL:
      case GLOBAL_MAX_POOL: case BATCH_NORMALIZATION: case CAST: case DROPOUT: case RESHAPE:
        return batched.contains(n.input(0));
      case GEMM:
        return batched.contains(n.input(0)) && !batched.contains(n.input(1))
            && n.attrLong("transA", 0) == 0;
      case MAT_MUL:
        return batched.contains(n.input(0)) && (rank >= 3 || !batched.contains(n.input(1)));
      case SOFTMAX: case LOG_SOFTMAX:
        return axis(n.attrLong("axis", g.opset() < 13 ? 1 : -1), rank) >= 1;
      case LAYER_NORMALIZATION: case FLATTEN:
        return axis(n.attrLong("axis", n.op() == Op.FLATTEN ? 1 : -1), rank(g, n.input(0))) >= 1;
      case CONCAT: case SPLIT:
        return n.inputs().stream().allMatch(i -> i.isEmpty() || batched.contains(i)
            || n.op() == Op.SPLIT) && axis(n.attrLong("axis", 0), rank) >= 1;
      case ARG_MAX: case GATHER:
        return batched.contains(n.input(0)) && axis(n.attrLong("axis", 0), rank) >= 1;
      case TRANSPOSE: {
        long[] perm = n.attrLongs("perm");
        return perm != null && perm.length > 0 && perm[0] == 0;
      }
      case REDUCE_MEAN: case REDUCE_SUM: case REDUCE_MAX: case SQUEEZE: case UNSQUEEZE: {
        long[] axes = n.attrLongs("axes");
        if (axes == null && n.input(1).isEmpty()) {
          return false;
        }
        if (axes == null) {
          TensorData a = g.constant(n.input(1)).orElse(null);
          axes = a == null ? null : a.longs();
        }
        int r = n.op() == Op.UNSQUEEZE ? rank : rank(g, n.input(0));
        if (axes == null) {
          return false;
        }
        for (long a : axes) {
          if (axis(a, r) == 0) {
            return false;
          }
        }
        return true;
      }
      default:
        return false;
    }
  }

  private static boolean isReshapeLike(Node n) {
    switch (n.op()) {
      case RESHAPE: case FLATTEN: case SQUEEZE: case UNSQUEEZE: case REDUCE_MEAN: case REDUCE_SUM:
      case REDUCE_MAX: case ARG_MAX: case GATHER:
        return true;
      default:
        return false;
    }
  }

  /** Weights, biases, shapes and axes: inputs that are not data. */
  private static boolean isWeightInput(Node n, int index) {
    switch (n.op()) {
      case CONV: case CONV_TRANSPOSE: case GEMM: case BATCH_NORMALIZATION: case RESHAPE:
      case LAYER_NORMALIZATION: case REDUCE_MEAN: case REDUCE_SUM: case REDUCE_MAX: case SQUEEZE:
      case UNSQUEEZE: case SPLIT: case CLIP: case GATHER:
        return index >= 1;
      case MAT_MUL:
        return index == 1;
      default:
        return false;
    }
  }

  private static int axis(long a, int rank) {
    return (int) (a < 0 ? a + rank : a);
  }

  private static int rank(Graph g, String tensor) {
    return g.info(tensor).map(ValueInfo::shape).map(s -> s == null ? -1 : s.rank()).orElse(-1);
  }

  private static long dim0(Graph g, String tensor) {
    Shape s = g.info(tensor).map(ValueInfo::shape).orElse(null);
    return s == null || s.rank() == 0 || !s.dim(0).isKnown() ? -1 : s.dim(0).value();
  }
}
