package dev.graft.simplify;

import dev.graft.region.ModulePaths;
import dev.graft.graph.Graph;
import dev.graft.linalg.LinearLayer;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes stable ReLU units from {@code L1 → Relu → L2} chains (Gemm/MatMul on rank-2 data, or
 * Conv → Conv with group 1), after Serra et al.: units whose pre-activation is never positive on
 * the domain are dropped with L2's matching input columns; units that are always non-negative
 * are linear there, so their path {@code W2[:,A]·(W1[A]·x + b1[A])} is folded into one direct
 * linear map beside the ReLU; when every surviving unit is active the two layers collapse into
 * one ({@code W2·W1}). Bounds are per unit (per channel for convs, over all positions).
 */
final class StableRelu {
  private StableRelu() {}

  /** Lower and upper bound of each unit of a ReLU's input. */
  record UnitBounds(double[] lo, double[] hi) {}

  static Graph apply(
      Graph g, Map<String, UnitBounds> bounds, SimplifyOptions.FoldPolicy policy,
      List<SimplifyResult.ReluLayer> report) {
    Graph cur = g;
    List<Node> order = new ArrayList<>(g.nodes());
    java.util.Collections.reverse(order);
    List<SimplifyResult.ReluLayer> found = new ArrayList<>();
    for (Node relu : order) {
      if (relu.op() != Op.RELU || !bounds.containsKey(relu.input(0))) {
        continue;
      }
      Optional<Graph> next = rewrite(cur, relu, bounds.get(relu.input(0)), policy, found);
      if (next.isPresent()) {
        cur = next.get();
      }
    }
    java.util.Collections.reverse(found);
    report.addAll(found);
    return cur;
  }

  private static Optional<Graph> rewrite(
      Graph g, Node relu, UnitBounds ub, SimplifyOptions.FoldPolicy policy,
      List<SimplifyResult.ReluLayer> report) {
    String x = relu.input(0);
    String y = relu.output(0);
    Optional<Node> p1 = g.producer(x);
    if (p1.isEmpty() || g.consumers(x).size() != 1 || g.consumers(y).isEmpty()
        || g.outputNames().contains(x) || g.outputNames().contains(y)) {
      return Optional.empty();
    }
    Optional<LinearLayer> o1 = LinearLayer.of(g, p1.get());
    if (o1.isEmpty()) {
      return Optional.empty();
    }
    LinearLayer l1 = o1.get();
    boolean conv = l1.kind() == LinearLayer.Kind.CONV;
    if (conv && l1.group() != 1
        || !conv && !(rank(g, x) == 2 && rank(g, l1.node().input(0)) == 2)
        || ub.lo().length != l1.outputs()) {
      return Optional.empty();
    }
    List<LinearLayer> nexts = new ArrayList<>();
    for (Node c : g.consumers(y)) {
      Optional<LinearLayer> o2 = LinearLayer.of(g, c);
      if (o2.isEmpty() || !c.input(0).equals(y)
          || conv != (o2.get().kind() == LinearLayer.Kind.CONV)
          || conv && o2.get().group() != 1) {
        return Optional.empty();
      }
      nexts.add(o2.get());
    }
    int units = l1.outputs();
    List<Integer> dead = new ArrayList<>();
    List<Integer> active = new ArrayList<>();
    List<Integer> mixed = new ArrayList<>();
    double margin = Double.POSITIVE_INFINITY;
    for (int u = 0; u < units; u++) {
      if (ub.hi()[u] <= 0) {
        dead.add(u);
        margin = Math.min(margin, -ub.hi()[u]);
      } else if (ub.lo()[u] >= 0) {
        active.add(u);
        margin = Math.min(margin, ub.lo()[u]);
      } else {
        mixed.add(u);
      }
    }
    double[][] w1 = l1.weights();
    double[] b1 = l1.bias();
    int in1 = w1[0].length;
    boolean pointwise = nexts.stream().allMatch(l -> !conv || isPointwise(l));
    long foldCost = 0;
    long foldSaves = (long) active.size() * in1;
    for (LinearLayer l2 : nexts) {
      foldCost += (long) in1 * l2.outputs();
      foldSaves += (long) active.size() * l2.outputs();
    }
    boolean fold = !active.isEmpty() && pointwise && policy != SimplifyOptions.FoldPolicy.NEVER
        && (policy == SimplifyOptions.FoldPolicy.ALWAYS || foldSaves > foldCost);
    List<Integer> keep = new ArrayList<>(mixed);
    if (!fold) {
      keep.addAll(active);
      keep.sort(null);
    }
    if (keep.isEmpty() && !fold) {
      keep.add(dead.remove(0)); // every unit dead: keep one (it contributes zero) to keep shapes
    }
    String name = moduleOrNode(l1.node());
    if (dead.isEmpty() && !fold) {
      report.add(new SimplifyResult.ReluLayer(name, units, 0, active.size(), 0, false,
          margin, active.isEmpty() ? "no stable units" : "active units kept: folding not smaller"
              + (pointwise ? "" : " (next conv is not 1x1)")));
      return Optional.empty();
    }
    boolean collapse = fold && keep.isEmpty();
    Graph.Builder b = g.toBuilder();
    if (collapse) {
      b.nodes().remove(relu);
      b.nodes().remove(l1.node());
    } else {
      double[][] w1k = new double[keep.size()][];
      double[] b1k = new double[keep.size()];
      for (int i = 0; i < keep.size(); i++) {
        w1k[i] = w1[keep.get(i)];
        b1k[i] = b1[keep.get(i)];
      }
      LinearLayer.replace(b, l1.node(), LinearLayer.emit(b, l1, l1.node().name(),
          l1.node().input(0), x, w1k, b1k));
    }
    for (LinearLayer l2 : nexts) {
      rewriteNext(b, l1, l2, keep, fold ? active : List.of(), collapse);
    }
    report.add(new SimplifyResult.ReluLayer(name, units, dead.size(), active.size(),
        fold ? active.size() : 0, collapse, margin,
        collapse ? "collapsed into one layer" : fold ? "active units folded" : "dead units removed"));
    return Optional.of(dev.graft.graph.ShapeInference.infer(b.pruneUnused().build()));
  }

  /** Rewrites one consumer of the ReLU: kept columns, plus the folded linear path if any. */
  private static void rewriteNext(Graph.Builder b, LinearLayer l1, LinearLayer l2,
      List<Integer> keep, List<Integer> active, boolean collapse) {
    double[][] w1 = l1.weights();
    double[] b1 = l1.bias();
    double[][] w2 = l2.weights();
    int in1 = w1[0].length;
    int out2 = l2.outputs();
    int taps = l2.taps();
    double[] b2n = l2.bias();
    double[][] skip = new double[out2][in1];
    for (int o = 0; o < out2; o++) {
      for (int a : active) {
        double c = w2[o][a];
        b2n[o] += c * b1[a];
        for (int j = 0; j < in1; j++) {
          skip[o][j] += c * w1[a][j];
        }
      }
    }
    Node n2 = l2.node();
    String out = n2.output(0);
    String x1 = l1.node().input(0);
    List<Node> repl = new ArrayList<>();
    if (collapse) {
      repl.addAll(LinearLayer.emit(b, l1, n2.name(), x1, out, skip, b2n));
    } else {
      double[][] w2k = new double[out2][keep.size() * taps];
      for (int i = 0; i < keep.size(); i++) {
        for (int o = 0; o < out2; o++) {
          System.arraycopy(w2[o], keep.get(i) * taps, w2k[o], i * taps, taps);
        }
      }
      boolean fold = !active.isEmpty();
      String l2out = fold ? LinearLayer.fresh(b, out + ".relu_path") : out;
      repl.addAll(LinearLayer.emit(b, l2, n2.name(), n2.input(0), l2out, w2k, b2n));
      if (fold) {
        String skipOut = LinearLayer.fresh(b, out + ".linear_path");
        repl.addAll(LinearLayer.emit(b, l1, n2.name() + ".linear_path", x1, skipOut, skip, null));
        repl.add(Node.of(n2.name() + ".merge", Op.ADD, List.of(l2out, skipOut), List.of(out)));
      }
    }
    LinearLayer.replace(b, n2, repl);
  }

  private static boolean isPointwise(LinearLayer l) {
    Node conv = l.node();
    long[] k = l.kernel();
    long[] s = conv.attrLongs("strides");
    long[] p = conv.attrLongs("pads");
    return k[0] == 1 && k[1] == 1
        && (s == null || s[0] == 1 && s[1] == 1)
        && (p == null || java.util.Arrays.stream(p).allMatch(v -> v == 0))
        && conv.attrString("auto_pad", "NOTSET").equals("NOTSET");
  }

  private static int rank(Graph g, String t) {
    return g.info(t).map(ValueInfo::shape).map(s -> s.rank()).orElse(-1);
  }

  static String moduleOrNode(Node n) {
    return ModulePaths.of(n);
  }
}
