package dev.graft.tflite;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Exact rewrites of the hard activations mobile nets export, so that each becomes one TFLite op:
 * {@code x · HardSigmoid(x)} with alpha 1/6 and beta 1/2 (Hardswish below opset 14) becomes
 * HardSwish, and a HardSigmoid after a Conv with constant weights (a squeeze-excite gate) has its
 * multiply-add folded into the Conv's weights and bias, leaving {@code Clip(0, 1)}.
 */
final class ActivationPatterns {
  private ActivationPatterns() {}

  static Graph run(Graph g) {
    Graph cur = g;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : cur.nodes()) {
        if (n.op() != Op.HARD_SIGMOID) {
          continue;
        }
        Optional<Graph> next = hardSwish(cur, n);
        if (next.isEmpty()) {
          next = intoConv(cur, n);
        }
        if (next.isPresent()) {
          cur = next.get();
          changed = true;
          break;
        }
      }
    }
    return cur == g ? g : ShapeInference.infer(cur);
  }

  private static Optional<Graph> hardSwish(Graph g, Node hs) {
    if (Math.abs(hs.attrFloat("alpha", 0.2f) - 1f / 6) > 1e-6f
        || Math.abs(hs.attrFloat("beta", 0.5f) - 0.5f) > 1e-6f) {
      return Optional.empty();
    }
    String x = hs.input(0);
    Node mul = GeluPattern.sole(g, hs.output(0));
    if (mul == null || mul.op() != Op.MUL) {
      return Optional.empty();
    }
    String other = mul.input(0).equals(hs.output(0)) ? mul.input(1) : mul.input(0);
    if (!other.equals(x)) {
      return Optional.empty();
    }
    Node swish = Node.of(hs.name() + "_hardswish", Op.HARD_SWISH, List.of(x),
        List.of(mul.output(0)));
    return Optional.of(replace(g, hs, mul, List.of(swish), List.of()));
  }

  private static Optional<Graph> intoConv(Graph g, Node hs) {
    Node conv = g.producer(hs.input(0)).orElse(null);
    if (conv == null || conv.op() != Op.CONV || GeluPattern.sole(g, conv.output(0)) != hs) {
      return Optional.empty();
    }
    Optional<TensorData> w = g.constant(conv.input(1));
    Optional<TensorData> b = conv.input(2).isEmpty() ? Optional.empty()
        : g.constant(conv.input(2));
    if (w.isEmpty() || (!conv.input(2).isEmpty() && b.isEmpty())) {
      return Optional.empty();
    }
    float alpha = hs.attrFloat("alpha", 0.2f);
    float beta = hs.attrFloat("beta", 0.5f);
    int m = (int) w.get().dims()[0];
    float[] wv = w.get().floats();
    for (int i = 0; i < wv.length; i++) {
      wv[i] *= alpha;
    }
    float[] bias = b.isPresent() ? b.get().floats() : new float[m];
    for (int c = 0; c < m; c++) {
      bias[c] = bias[c] * alpha + beta;
    }
    String wName = Fuse.fresh(g, conv.name() + ".gate_weight");
    String bName = Fuse.fresh(g, conv.name() + ".gate_bias");
    String pre = Fuse.fresh(g, conv.name() + ".gate_pre");
    Node scaled = new Node(conv.name(), Op.CONV, List.of(conv.input(0), wName, bName),
        List.of(pre), List.copyOf(conv.attributes().values()));
    Node clip = new Node(hs.name(), Op.CLIP, List.of(pre), List.of(hs.output(0)),
        List.of(Attribute.of("min", 0f), Attribute.of("max", 1f)));
    List<TensorData> inits = List.of(TensorData.ofFloats(wName, w.get().dims(), wv),
        TensorData.ofFloats(bName, new long[] {m}, bias));
    return Optional.of(replace(g, conv, hs, List.of(scaled, clip), inits));
  }

  /** Replaces {@code first} by the nodes {@code with} and drops {@code second}. */
  private static Graph replace(Graph g, Node first, Node second, List<Node> with,
      List<TensorData> inits) {
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n == first) {
        nodes.addAll(with);
      } else if (n != second) {
        nodes.add(n);
      }
    }
    Graph.Builder b = g.toBuilder().nodes(nodes);
    inits.forEach(b::initializer);
    return b.pruneUnused().build();
  }
}
