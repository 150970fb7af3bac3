package dev.graft.tflite;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.GraphView;
import dev.graft.graph.Matchers;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Rewrite;
import dev.graft.graph.Rewriter;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Exact rewrites that fold a following per-channel affine step into the linear layer before it:
 * BatchNormalization and a constant bias Add into Conv, a constant bias Add into MatMul (as Gemm).
 * The rewritten graph computes the same function up to float rounding.
 */
final class Fuse {
  private Fuse() {}

  /** The rule: at a Conv, its BatchNormalization or bias Add; at a MatMul or Gemm, its bias Add. */
  static final Rewriter.Rule RULE = (g, n) -> {
    if (n.op() == Op.CONV) {
      return convFollower(g, n);
    }
    return n.op() == Op.MAT_MUL || n.op() == Op.GEMM ? linearBias(g, n) : Optional.empty();
  };

  static Graph run(Graph g) {
    return Rewriter.toFixpoint(g, RULE);
  }

  private static Optional<Rewrite> convFollower(GraphView g, Node conv) {
    Node next = Matchers.sole(g, conv.output(0));
    Optional<TensorData> w = g.constant(conv.input(1));
    if (next == null || w.isEmpty()
        || (!conv.input(2).isEmpty() && g.constant(conv.input(2)).isEmpty())) {
      return Optional.empty();
    }
    int m = (int) w.get().dims()[0];
    float[] scale = new float[m];
    float[] shift = new float[m];
    if (next.op() == Op.BATCH_NORMALIZATION && next.outputs().size() == 1) {
      float[][] p = new float[4][];
      for (int i = 0; i < 4; i++) {
        Optional<TensorData> t = g.constant(next.input(i + 1));
        if (t.isEmpty() || t.get().elementCount() != m) {
          return Optional.empty();
        }
        p[i] = t.get().floats();
      }
      float eps = next.attrFloat("epsilon", 1e-5f);
      for (int c = 0; c < m; c++) {
        scale[c] = (float) (p[0][c] / Math.sqrt(p[3][c] + (double) eps));
        shift[c] = p[1][c] - p[2][c] * scale[c];
      }
    } else if (next.op() == Op.ADD) {
      String other = next.input(0).equals(conv.output(0)) ? next.input(1) : next.input(0);
      Optional<TensorData> b = g.constant(other);
      if (b.isEmpty() || !perChannel(b.get(), m, 4)) {
        return Optional.empty();
      }
      float[] v = b.get().floats();
      for (int c = 0; c < m; c++) {
        scale[c] = 1f;
        shift[c] = v.length == 1 ? v[0] : v[c];
      }
    } else {
      return Optional.empty();
    }
    float[] wv = w.get().floats();
    int per = wv.length / m;
    for (int c = 0; c < m; c++) {
      for (int k = 0; k < per; k++) {
        wv[c * per + k] *= scale[c];
      }
    }
    float[] bias = new float[m];
    float[] old = conv.input(2).isEmpty() ? new float[m] : g.constant(conv.input(2)).get().floats();
    for (int c = 0; c < m; c++) {
      bias[c] = old[c] * scale[c] + shift[c];
    }
    String wName = Matchers.fresh(g, conv.name() + ".fused_weight");
    String bName = Matchers.fresh(g, conv.name() + ".fused_bias");
    Node fused = new Node(conv.name(), Op.CONV, List.of(conv.input(0), wName, bName),
        List.of(next.output(0)), List.copyOf(conv.attributes().values()));
    return Optional.of(Rewrite.replace(conv, fused).remove(next)
        .initializer(TensorData.ofFloats(wName, w.get().dims(), wv))
        .initializer(TensorData.ofFloats(bName, new long[] {m}, bias)));
  }

  /** True for a constant broadcast along axis 1 of a rank-{@code rank} NC... tensor. */
  private static boolean perChannel(TensorData t, int channels, int rank) {
    long[] d = t.dims();
    if (t.elementCount() == 1) {
      return d.length <= rank;
    }
    if (t.elementCount() != channels || d.length > rank || d.length < rank - 1) {
      return false;
    }
    int channelAxis = d.length - (rank - 1);
    return d[channelAxis] == channels;
  }

  private static Optional<Rewrite> linearBias(GraphView g, Node mm) {
    Node add = Matchers.sole(g, mm.output(0));
    if (add == null || add.op() != Op.ADD) {
      return Optional.empty();
    }
    Optional<TensorData> w = g.constant(mm.input(1));
    int aRank = g.info(mm.input(0)).map(v -> v.shape().rank()).orElse(0);
    if (w.isEmpty() || w.get().rank() != 2 || aRank != 2 || g.constant(mm.input(0)).isPresent()) {
      return Optional.empty();
    }
    boolean transB = mm.op() == Op.GEMM && mm.attrLong("transB", 0) == 1;
    long n = transB ? w.get().dims()[0] : w.get().dims()[1];
    String other = add.input(0).equals(mm.output(0)) ? add.input(1) : add.input(0);
    Optional<TensorData> b = g.constant(other);
    if (b.isEmpty() || b.get().elementCount() != n || b.get().rank() > 2
        || (b.get().rank() == 2 && b.get().dims()[0] != 1)) {
      return Optional.empty();
    }
    float[] bias = b.get().floats();
    if (mm.op() == Op.GEMM && !mm.input(2).isEmpty()) {
      Optional<TensorData> c = g.constant(mm.input(2));
      if (c.isEmpty() || c.get().elementCount() != n) {
        return Optional.empty();
      }
      float beta = mm.attrFloat("beta", 1f);
      float[] cv = c.get().floats();
      for (int i = 0; i < n; i++) {
        bias[i] += beta * cv[i];
      }
    }
    String bName = Matchers.fresh(g, mm.name() + ".fused_bias");
    List<Attribute> attrs = new ArrayList<>();
    if (mm.op() == Op.GEMM) {
      for (Attribute a : mm.attributes().values()) {
        if (!a.name().equals("beta")) {
          attrs.add(a);
        }
      }
    }
    Node gemm = new Node(mm.name(), Op.GEMM, List.of(mm.input(0), mm.input(1), bName),
        List.of(add.output(0)), attrs);
    return Optional.of(Rewrite.replace(mm, gemm).remove(add)
        .initializer(TensorData.ofFloats(bName, new long[] {n}, bias)));
  }
}
