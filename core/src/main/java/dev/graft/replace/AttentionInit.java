package dev.graft.replace;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.region.Region;
import dev.graft.linalg.LinearLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starting weights for {@code attention-ffn} from the teacher's first transformer block in the
 * region, when it is a pre-norm block of the student's shape: in the region's order, a
 * LayerNormalization, a fused q/k/v projection [d → 3d], an output projection [d → d], a second
 * LayerNormalization, and a feed-forward pair [d → ffn → d] (PyTorch's
 * {@code TransformerEncoderLayer} with {@code norm_first}, as exported). The student then starts
 * as that block, and training only has to add what the rest of the region does.
 */
final class AttentionInit {
  private AttentionInit() {}

  /**
   * Values for the student's parameters in the order {@link Students} creates them (norm 1
   * scale, bias; q, k, v and output projection weights [in, out] and biases; norm 2 scale, bias;
   * feed-forward weights and biases), or empty when the region's first block does not match.
   */
  static Optional<List<float[]>> fromTeacher(Graph g, Region region, long d, long ffn) {
    Set<String> inside = Set.copyOf(region.nodeNames());
    List<Node> norms = new ArrayList<>();
    List<LinearLayer> dense = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!inside.contains(n.name())) {
        continue;
      }
      if (n.op() == Op.LAYER_NORMALIZATION && norms.size() < 2) {
        norms.add(n);
      } else if (dense.size() < 4 && (n.op() == Op.MAT_MUL || n.op() == Op.GEMM)) {
        LinearLayer.of(g, n).ifPresent(dense::add);
      }
    }
    if (norms.size() < 2 || dense.size() < 4 || !shaped(dense.get(0), d, 3 * d)
        || !shaped(dense.get(1), d, d) || !shaped(dense.get(2), d, ffn)
        || !shaped(dense.get(3), ffn, d)) {
      return Optional.empty();
    }
    List<float[]> out = new ArrayList<>();
    if (!norm(g, norms.get(0), d, out)) {
      return Optional.empty();
    }
    double[][] qkv = dense.get(0).weights();
    double[] qkvBias = bias(g, dense.get(0));
    for (int part = 0; part < 3; part++) {
      double[][] w = new double[(int) d][];
      double[] b = new double[(int) d];
      for (int o = 0; o < d; o++) {
        w[o] = qkv[(int) (part * d + o)];
        b[o] = qkvBias[(int) (part * d + o)];
      }
      out.add(inOut(w));
      out.add(LinearLayer.toFloats(b));
    }
    out.add(inOut(dense.get(1).weights()));
    out.add(LinearLayer.toFloats(bias(g, dense.get(1))));
    if (!norm(g, norms.get(1), d, out)) {
      return Optional.empty();
    }
    for (int i = 2; i < 4; i++) {
      out.add(inOut(dense.get(i).weights()));
      out.add(LinearLayer.toFloats(bias(g, dense.get(i))));
    }
    return Optional.of(out);
  }

  private static boolean shaped(LinearLayer l, long in, long out) {
    return l.inputs() == in && l.outputs() == out;
  }

  private static boolean norm(Graph g, Node n, long d, List<float[]> out) {
    Optional<TensorData> s = g.constant(n.input(1));
    Optional<TensorData> b = n.inputs().size() > 2 ? g.constant(n.input(2)) : Optional.empty();
    if (s.isEmpty() || s.get().elementCount() != d || (b.isPresent()
        && b.get().elementCount() != d)) {
      return false;
    }
    out.add(s.get().floats());
    out.add(b.map(TensorData::floats).orElse(new float[(int) d]));
    return true;
  }

  /** The layer's bias: Gemm's own, or a MatMul's constant Add right after it. */
  private static double[] bias(Graph g, LinearLayer l) {
    if (l.kind() == LinearLayer.Kind.GEMM) {
      return l.bias();
    }
    List<Node> next = g.consumers(l.node().output(0));
    if (next.size() == 1 && next.get(0).op() == Op.ADD) {
      for (String in : next.get(0).inputs()) {
        Optional<TensorData> c = g.constant(in);
        if (c.isPresent() && c.get().elementCount() == l.outputs()) {
          return c.get().doubles();
        }
      }
    }
    return new double[l.outputs()];
  }

  /** [out][in] weights as the student's row-major [in, out] matrix. */
  private static float[] inOut(double[][] w) {
    int outs = w.length;
    int ins = w[0].length;
    float[] f = new float[outs * ins];
    for (int o = 0; o < outs; o++) {
      for (int i = 0; i < ins; i++) {
        f[i * outs + o] = (float) w[o][i];
      }
    }
    return f;
  }
}
