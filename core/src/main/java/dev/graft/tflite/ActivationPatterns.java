package dev.graft.tflite;

import static dev.graft.graph.Matchers.fresh;
import static dev.graft.graph.Matchers.sole;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.GraphView;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Rewrite;
import dev.graft.graph.Rewriter;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Exact rewrites of the hard activations mobile nets export, so that each becomes one TFLite op:
 * {@code x · HardSigmoid(x)} with alpha 1/6 and beta 1/2 (Hardswish below opset 14) becomes
 * HardSwish, and a HardSigmoid after a Conv with constant weights (a squeeze-excite gate) or a
 * Gemm has its multiply-add folded into the layer's weights (or alpha) and bias, leaving {@code
 * Clip(0, 1)}: one RELU_0_TO_1.
 */
final class ActivationPatterns {
  private ActivationPatterns() {}

  /** The rule, anchored at a HardSigmoid. */
  static final Rewriter.Rule RULE = (g, n) -> n.op() != Op.HARD_SIGMOID ? Optional.empty()
      : hardSwish(g, n).or(() -> intoConv(g, n)).or(() -> intoGemm(g, n));

  static Graph run(Graph g) {
    Graph cur = Rewriter.toFixpoint(g, RULE);
    return cur == g ? g : ShapeInference.infer(cur);
  }

  private static Optional<Rewrite> hardSwish(GraphView g, Node hs) {
    if (Math.abs(hs.attrFloat("alpha", 0.2f) - 1f / 6) > 1e-6f
        || Math.abs(hs.attrFloat("beta", 0.5f) - 0.5f) > 1e-6f) {
      return Optional.empty();
    }
    String x = hs.input(0);
    Node mul = sole(g, hs.output(0));
    if (mul == null || mul.op() != Op.MUL) {
      return Optional.empty();
    }
    String other = mul.input(0).equals(hs.output(0)) ? mul.input(1) : mul.input(0);
    if (!other.equals(x)) {
      return Optional.empty();
    }
    Node swish = Node.of(hs.name() + "_hardswish", Op.HARD_SWISH, List.of(x),
        List.of(mul.output(0)));
    return Optional.of(Rewrite.replace(hs, swish).remove(mul));
  }

  private static Optional<Rewrite> intoConv(GraphView g, Node hs) {
    Node conv = g.producer(hs.input(0)).orElse(null);
    if (conv == null || conv.op() != Op.CONV || sole(g, conv.output(0)) != hs) {
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
    String wName = fresh(g, conv.name() + ".gate_weight");
    String bName = fresh(g, conv.name() + ".gate_bias");
    String pre = fresh(g, conv.name() + ".gate_pre");
    Node scaled = new Node(conv.name(), Op.CONV, List.of(conv.input(0), wName, bName),
        List.of(pre), List.copyOf(conv.attributes().values()));
    return Optional.of(Rewrite.replace(conv, List.of(scaled, clip(hs, pre))).remove(hs)
        .initializer(TensorData.ofFloats(wName, w.get().dims(), wv))
        .initializer(TensorData.ofFloats(bName, new long[] {m}, bias)));
  }

  /** HardSigmoid after a Gemm: its alpha scales the Gemm's, its beta joins the bias. */
  private static Optional<Rewrite> intoGemm(GraphView g, Node hs) {
    Node gemm = g.producer(hs.input(0)).orElse(null);
    if (gemm == null || gemm.op() != Op.GEMM || sole(g, gemm.output(0)) != hs) {
      return Optional.empty();
    }
    Shape ys = g.info(gemm.output(0)).map(v -> v.shape()).orElse(null);
    Optional<TensorData> c = gemm.input(2).isEmpty() ? Optional.empty()
        : g.constant(gemm.input(2));
    if (ys == null || ys.rank() != 2 || !ys.dim(1).isKnown()
        || (!gemm.input(2).isEmpty() && (c.isEmpty() || c.get().rank() > 1))) {
      return Optional.empty();
    }
    float alpha = hs.attrFloat("alpha", 0.2f);
    float beta = hs.attrFloat("beta", 0.5f);
    int n = (int) ys.dim(1).value();
    float[] cv = c.map(TensorData::floats).orElse(null);
    float[] bias = new float[n];
    for (int j = 0; j < n; j++) {
      float old = cv == null ? 0 : cv[cv.length == 1 ? 0 : j];
      bias[j] = alpha * gemm.attrFloat("beta", 1f) * old + beta;
    }
    List<Attribute> attrs = new ArrayList<>();
    for (Attribute a : gemm.attributes().values()) {
      if (!a.name().equals("alpha") && !a.name().equals("beta")) {
        attrs.add(a);
      }
    }
    attrs.add(Attribute.of("alpha", alpha * gemm.attrFloat("alpha", 1f)));
    String cName = fresh(g, gemm.name() + ".gate_bias");
    String pre = fresh(g, gemm.name() + ".gate_pre");
    Node scaled = new Node(gemm.name(), Op.GEMM, List.of(gemm.input(0), gemm.input(1), cName),
        List.of(pre), attrs);
    return Optional.of(Rewrite.replace(gemm, List.of(scaled, clip(hs, pre))).remove(hs)
        .initializer(TensorData.ofFloats(cName, new long[] {n}, bias)));
  }

  private static Node clip(Node hs, String pre) {
    return new Node(hs.name(), Op.CLIP, List.of(pre), List.of(hs.output(0)),
        List.of(Attribute.of("min", 0f), Attribute.of("max", 1f)));
  }
}
