package dev.graft.thin;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.linalg.LinearLayer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies one selection to a {@link ChannelGroup}: producers keep the output rows of kept
 * channels, consumers keep the matching input columns (with refit coefficients when given),
 * per-channel constants (BatchNorm parameters, depthwise kernels, broadcast operands) keep the
 * kept channels. Node and tensor names stay, so later groups and the report find them.
 */
final class GroupRewrite {
  private GroupRewrite() {}

  /**
   * The graph with the group thinned to the kept classes; {@code coefs} maps a consumer to its
   * refit coefficients [features…, bias][outputs], or is empty to slice its present weights.
   */
  static Graph apply(Graph cur, ChannelGroup grp, boolean[] keep, Map<String, double[][]> coefs) {
    Graph.Builder b = cur.toBuilder();
    Set<String> layers = new LinkedHashSet<>();
    grp.producers.forEach(n -> layers.add(n.name()));
    grp.consumers.forEach(n -> layers.add(n.name()));
    for (String name : layers) {
      Node n = cur.node(name).orElseThrow();
      LinearLayer l = LinearLayer.of(cur, n).orElseThrow();
      double[][] w = l.weights();
      double[] bias = l.bias();
      boolean hasBias = l.hasBias();
      if (grp.consumers.stream().anyMatch(c -> c.name().equals(name))) {
        int[] cols = grp.keptPositions(n.input(0), keep);
        int taps = l.taps();
        double[][] c = coefs.get(name);
        double[][] nw = new double[w.length][cols.length * taps];
        for (int o = 0; o < w.length; o++) {
          for (int i = 0; i < cols.length; i++) {
            for (int t = 0; t < taps; t++) {
              nw[o][i * taps + t] = c != null ? c[i * taps + t][o] : w[o][cols[i] * taps + t];
            }
          }
        }
        if (c != null && c.length > cols.length * taps) {
          for (int o = 0; o < w.length; o++) {
            bias[o] = c[cols.length * taps][o];
          }
          hasBias = true;
        }
        w = nw;
      }
      if (grp.producers.stream().anyMatch(p -> p.name().equals(name))) {
        int[] rows = grp.keptPositions(n.output(0), keep);
        double[][] rw = new double[rows.length][];
        double[] rb = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
          rw[i] = w[rows[i]];
          rb[i] = bias[rows[i]];
        }
        w = rw;
        bias = rb;
      }
      LinearLayer.replace(b, n, LinearLayer.emit(b, l, n.name(), n.input(0), n.output(0), w,
          hasBias ? bias : null));
    }
    for (Node n : grp.inner) {
      Node cn = cur.node(n.name()).orElseThrow();
      Node repl = perChannelConstants(cur, b, cn, grp, keep);
      if (repl != cn) {
        LinearLayer.replace(b, cn, List.of(repl));
      }
    }
    return ShapeInference.infer(b.pruneUnused().build());
  }

  /** The node with its per-channel constants sliced to the kept channels (itself if none). */
  private static Node perChannelConstants(
      Graph cur, Graph.Builder b, Node n, ChannelGroup grp, boolean[] keep) {
    String out = n.output(0);
    int ax = grp.axes.get(out);
    int rank = grp.ranks.get(out);
    int[] kept = grp.keptPositions(out, keep);
    List<String> ins = new ArrayList<>(n.inputs());
    boolean changed = false;
    boolean depthwise = n.op() == Op.CONV;
    for (int i = 0; i < ins.size(); i++) {
      String x = ins.get(i);
      if (x.isEmpty() || grp.axes.containsKey(x)) {
        continue;
      }
      Optional<TensorData> c = cur.constant(x);
      if (c.isEmpty()) {
        continue;
      }
      TensorData s;
      if (depthwise) {
        s = ChannelSlices.slice(c.get(), c.get().rank(), 0, kept, LinearLayer.fresh(b, x + ".thin"));
      } else if (n.op() == Op.BATCH_NORMALIZATION) {
        s = ChannelSlices.slice(c.get(), 1, 0, kept, LinearLayer.fresh(b, x + ".thin"));
      } else if (n.op().isUnaryElementwise() || n.op() == Op.CONCAT) {
        s = null;
      } else {
        s = ChannelSlices.slice(c.get(), rank, ax, kept, LinearLayer.fresh(b, x + ".thin"));
      }
      if (s != null) {
        b.initializer(s);
        ins.set(i, s.name());
        changed = true;
      }
    }
    if (!changed) {
      return n;
    }
    List<Attribute> attrs = new ArrayList<>(n.attributes().values());
    if (depthwise) {
      attrs.removeIf(a -> a.name().equals("group"));
      attrs.add(Attribute.of("group", (long) kept.length));
    }
    return new Node(n.name(), n.op(), ins, n.outputs(), attrs, n.metadata());
  }
}
