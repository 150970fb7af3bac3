package dev.graft.replace;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.region.Region;
import java.util.Set;

/**
 * What the {@code attention-ffn} student adds to its attention scores, so that it attends where
 * the teacher's layers do: a float side input whose last two axes are [tokens, tokens] (the
 * additive padding mask exporters compute once from {@code attention_mask}), else the constant
 * [tokens, tokens] mask the region itself adds before a softmax (a decoder's causal mask, which
 * torch's dynamo exporter writes as an initializer), copied into the student; or none.
 */
final class ScoreBias {
  private ScoreBias() {}

  /** The tensor the student adds to its scores (declared in {@code b}), or null. */
  static String of(Graph g, Region region, Shape xs, Graph.Builder b, String prefix) {
    for (String s : region.sideInputs()) {
      ValueInfo v = g.info(s).orElse(null);
      if (v != null && v.type() == DType.FLOAT && square(v.shape(), xs)) {
        return s;
      }
    }
    Set<String> inside = Set.copyOf(region.nodeNames());
    for (Node n : g.nodes()) {
      if (!inside.contains(n.name()) || n.op() != Op.ADD
          || g.consumers(n.output(0)).stream().noneMatch(c -> c.op() == Op.SOFTMAX)) {
        continue;
      }
      for (String in : n.inputs()) {
        TensorData t = g.constant(in).orElse(null);
        if (t != null && t.type() == DType.FLOAT && square(t.shape(), xs) && leadingOnes(t)) {
          long tokens = xs.dim(1).value();
          String name = prefix + "score_mask";
          b.initializer(TensorData.ofFloats(name, new long[] {1, 1, tokens, tokens},
              t.floats()));
          return name;
        }
      }
    }
    return null;
  }

  private static boolean square(Shape s, Shape xs) {
    return s != null && s.rank() >= 2 && s.rank() <= 4 && s.dim(s.rank() - 2).equals(xs.dim(1))
        && s.dim(s.rank() - 1).equals(xs.dim(1));
  }

  private static boolean leadingOnes(TensorData t) {
    long[] d = t.dims();
    for (int i = 0; i < d.length - 2; i++) {
      if (d[i] != 1) {
        return false;
      }
    }
    return true;
  }
}
