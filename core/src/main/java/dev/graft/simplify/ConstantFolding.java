package dev.graft.simplify;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Constant folding: a Shape of a tensor whose shape is static becomes a constant, and every node
 * whose inputs are all constant is evaluated once (in ONNX Runtime, so every operator folds
 * exactly as it would run) and replaced by an initializer holding its value.
 */
public final class ConstantFolding {
  private ConstantFolding() {}

  /** The folded graph (static Shapes and all-constant nodes replaced by initializers). */
  public static Graph fold(Graph g) {
    return fold(g, new int[1]);
  }

  /** The folded graph; {@code count[0]} is increased by the number of nodes removed. */
  static Graph fold(Graph g, int[] count) {
    Graph shaped = ShapeInference.infer(g);
    Graph.Builder b = shaped.toBuilder();
    List<Node> nodes = b.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.op() != Op.SHAPE) {
        continue;
      }
      Shape s = shaped.info(n.input(0)).map(ValueInfo::shape).orElse(null);
      if (s == null) {
        continue;
      }
      int r = s.rank();
      int start = clamp((int) n.attrLong("start", 0), r);
      int end = clamp((int) n.attrLong("end", r), r);
      Shape part = Shape.of(s.dims().subList(start, Math.max(start, end)));
      if (!part.isStatic()) {
        continue;
      }
      b.initializer(TensorData.vector(n.output(0), part.sizes()));
      nodes.remove(i--);
      count[0]++;
    }
    Graph cur = b.pruneUnused().build();
    Set<String> constant = new HashSet<>(cur.initializers().keySet());
    List<Node> computed = new ArrayList<>();
    for (Node n : cur.nodes()) {
      boolean all = n.inputs().stream().allMatch(t -> t.isEmpty() || constant.contains(t));
      if (all) {
        constant.addAll(n.outputs());
        if (n.op() != Op.CONSTANT || !n.inputs().isEmpty()) {
          computed.add(n);
        }
      }
    }
    Set<String> frontier = new LinkedHashSet<>();
    Set<Node> computedSet = new HashSet<>(computed);
    for (Node n : cur.nodes()) {
      if (!computedSet.contains(n)) {
        n.inputs().stream().filter(constant::contains).forEach(frontier::add);
      }
    }
    cur.outputNames().stream().filter(constant::contains).forEach(frontier::add);
    frontier.removeIf(t -> cur.initializers().containsKey(t));
    Graph typed = ShapeInference.infer(cur);
    frontier.removeIf(
        t -> cur.producer(t).map(p -> p.op() == Op.CONSTANT).orElse(true)
            || !foldableType(typed, t));
    if (frontier.isEmpty()) {
      return cur;
    }
    List<Node> sub = new ArrayList<>();
    for (Node n : cur.nodes()) {
      if (constant.containsAll(n.outputs().stream().filter(o -> !o.isEmpty()).toList())) {
        sub.add(n);
      }
    }
    Graph subGraph =
        typed.toBuilder().inputs(List.of()).nodes(sub)
            .outputs(frontier.stream()
                .map(t -> new ValueInfo(t, typed.info(t).orElseThrow().type(), null)).toList())
            .build();
    Map<String, NdArray> values =
        Recorder.record(subGraph, Map.of(), new ArrayList<>(frontier), 1);
    Graph.Builder out = cur.toBuilder();
    for (String t : frontier) {
      NdArray v = values.get(t);
      out.initializer(tensor(t, v));
      Node p = cur.producer(t).orElseThrow();
      if (out.nodes().remove(p)) {
        count[0]++;
      }
    }
    int before = out.nodes().size();
    out.pruneUnused();
    count[0] += before - out.nodes().size();
    return out.build();
  }

  private static boolean foldableType(Graph shaped, String t) {
    DType d = shaped.info(t).map(ValueInfo::type).orElse(null);
    return d == DType.FLOAT || d == DType.INT64 || d == DType.INT32;
  }

  private static TensorData tensor(String name, NdArray v) {
    switch (v.type()) {
      case FLOAT:
        return TensorData.ofFloats(name, v.shape(), v.floats());
      case INT64:
        return TensorData.ofLongs(name, v.shape(), v.longs());
      default:
        return TensorData.ofInts(name, v.shape(), v.ints());
    }
  }

  private static int clamp(int i, int r) {
    int v = i < 0 ? i + r : i;
    return Math.max(0, Math.min(r, v));
  }
}
