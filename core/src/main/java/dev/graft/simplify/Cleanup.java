package dev.graft.simplify;

import dev.graft.graph.Graph;
import dev.graft.graph.GraphView;
import dev.graft.linalg.LinearLayer;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Rewrite;
import dev.graft.graph.Rewriter;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Exact rewrites that need no domain: Identity/Dropout removal and BatchNorm folding. */
final class Cleanup {
  private Cleanup() {}

  /** Graph with inference-mode Identity and Dropout nodes bypassed; counts them in {@code n[0]}. */
  static Graph removeIdentities(Graph g, int[] n) {
    return Rewriter.toFixpoint(g, (cur, node) -> {
      Optional<Rewrite> r = BYPASS.at(cur, node);
      r.ifPresent(x -> n[0]++);
      return r;
    });
  }

  /** The rule: an Identity or inference-mode Dropout bypassed. */
  static final Rewriter.Rule BYPASS = (g, node) ->
      isPassThrough(g, node) ? bypass(g, node) : Optional.empty();

  private static boolean isPassThrough(GraphView g, Node node) {
    if (node.op() == Op.IDENTITY) {
      return true;
    }
    if (node.op() != Op.DROPOUT) {
      return false;
    }
    boolean maskUsed =
        node.outputs().size() > 1
            && !node.output(1).isEmpty()
            && (!g.consumers(node.output(1)).isEmpty() || g.isOutput(node.output(1)));
    boolean training = !node.input(2).isEmpty();
    return !maskUsed && !training;
  }

  /**
   * The node removed and its readers reading its input instead; where its output is a graph
   * output, the input's producer writes that output instead.
   */
  private static Optional<Rewrite> bypass(GraphView g, Node node) {
    String in = node.input(0);
    String out = node.output(0);
    Rewrite r;
    if (!g.isOutput(out)) {
      r = Rewrite.replace(node, List.of());
      for (Node x : g.consumers(out)) {
        r.andReplace(x, List.of(renameInputs(x, out, in)));
      }
      return Optional.of(r);
    }
    Optional<Node> p = g.producer(in);
    if (p.isEmpty() || g.isOutput(in)) {
      return Optional.empty();
    }
    r = Rewrite.replace(node, List.of());
    for (Node x : g.consumers(in)) {
      if (x != node) {
        r.andReplace(x, List.of(renameInputs(x, in, out)));
      }
    }
    Node prod = p.get();
    List<String> outs = new ArrayList<>(prod.outputs());
    outs.replaceAll(o -> o.equals(in) ? out : o);
    return Optional.of(r.andReplace(prod, List.of(prod.withOutputs(outs))));
  }

  static Node renameInputs(Node x, String from, String to) {
    if (!x.inputs().contains(from)) {
      return x;
    }
    List<String> ins = new ArrayList<>(x.inputs());
    ins.replaceAll(i -> i.equals(from) ? to : i);
    return x.withInputs(ins);
  }

  /**
   * Folds every inference-mode BatchNormalization whose input is written only for it by a Conv, or
   * by a Gemm/MatMul on rank-2 data, into that layer. Returns the names of the folded BN nodes.
   */
  static Graph foldBatchNorms(Graph g, List<String> folded) {
    Graph cur = g;
    for (Node bn : g.nodes()) {
      if (bn.op() != Op.BATCH_NORMALIZATION || bn.attrLong("training_mode", 0) != 0) {
        continue;
      }
      Node live = cur.node(bn.name()).orElse(null);
      Optional<Node> prod = cur.producer(bn.input(0));
      if (live == null || prod.isEmpty()
          || cur.consumers(bn.input(0)).size() != 1
          || cur.outputNames().contains(bn.input(0))) {
        continue;
      }
      Optional<LinearLayer> layer = LinearLayer.of(cur, prod.get());
      if (layer.isEmpty() || layer.get().group() != 1 && layer.get().kind() != LinearLayer.Kind.CONV) {
        continue;
      }
      if (layer.get().kind() != LinearLayer.Kind.CONV && !isRank2(cur, bn.input(0))) {
        continue;
      }
      double[][] params = new double[4][];
      boolean ok = true;
      for (int i = 0; i < 4; i++) {
        Optional<TensorData> t = cur.constant(bn.input(i + 1));
        if (t.isEmpty() || t.get().elementCount() != layer.get().outputs()) {
          ok = false;
          break;
        }
        params[i] = t.get().doubles();
      }
      if (!ok) {
        continue;
      }
      double eps = bn.attrFloat("epsilon", 1e-5f);
      double[][] w = layer.get().weights();
      double[] b = layer.get().bias();
      for (int c = 0; c < w.length; c++) {
        double s = params[0][c] / Math.sqrt(params[3][c] + eps);
        for (int j = 0; j < w[c].length; j++) {
          w[c][j] *= s;
        }
        b[c] = (b[c] - params[2][c]) * s + params[1][c];
      }
      Node l = layer.get().node();
      Graph.Builder gb = cur.toBuilder();
      List<Node> repl =
          LinearLayer.emit(gb, layer.get(), l.name(), l.input(0), bn.output(0), w, b);
      gb.nodes().remove(live);
      LinearLayer.replace(gb, l, repl);
      cur = gb.pruneUnused().build();
      folded.add(bn.name());
    }
    return cur;
  }

  private static boolean isRank2(Graph g, String t) {
    return g.info(t).map(v -> v.shape() != null && v.shape().rank() == 2).orElse(false);
  }
}
