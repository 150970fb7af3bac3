package dev.graft.lowrank;

import dev.graft.exec.Capture;
import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.linalg.Dense;
import dev.graft.region.Costs;
import dev.graft.region.ModulePaths;
import dev.graft.region.ModuleTree;
import dev.graft.linalg.LinearLayer;
import dev.graft.linalg.Patches;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code graft lowrank} command: each selected Gemm/MatMul/Conv layer {@code W} becomes two
 * layers {@code G·F} from a truncated SVD. A conv splits into (k×k, C→r) + (1×1, r→C') or, with
 * {@link LowRankOptions.ConvSplit#SPATIAL}, into (k×1, C→r) + (1×k, r→C'). With calibration
 * inputs the SVD is taken of {@code W·C^½} (C the second moment of the layer's input on the
 * recorded data) and undone afterwards, which minimizes the layer's output error on that data.
 * A layer whose factorized form is not smaller is left alone and the report says so.
 *
 * <pre>{@code
 * LowRankResult r = LowRank.factorize(g, LowRankOptions.energy("blocks.*", 0.9));
 * }</pre>
 */
public final class LowRank {
  private LowRank() {}

  public static LowRankResult factorize(Graph graph, LowRankOptions o) {
    Graph g = ShapeInference.infer(graph);
    List<Node> nodes = ModuleTree.of(g).match(o.layers(), n -> LinearLayer.of(g, n).isPresent(),
        "Conv/Gemm/MatMul layer");
    Graph concrete = Costs.concrete(g);
    Map<String, double[][]> grams = new HashMap<>();
    if (o.calibrationSource() != null) {
      List<LinearLayer> layers = nodes.stream()
          .map(n -> LinearLayer.of(g, n).orElseThrow())
          .filter(l -> l.kind() != LinearLayer.Kind.CONV || l.group() == 1)
          .toList();
      List<String> ins = layers.stream().map(l -> l.node().input(0)).distinct().toList();
      Capture.stream(o.calibrationSource(), 256, o.device(), List.of(g), List.of(ins), (start, acts) -> {
        for (LinearLayer l : layers) {
          Node n = l.node();
          long[] outShape = concrete.info(n.output(0)).map(ValueInfo::shape).orElseThrow()
              .sizes();
          double[][] part = Patches.gram(acts.get(0).get(n.input(0)), l, outShape);
          grams.merge(n.name(), part, Dense::add);
        }
      });
    }
    Graph.Builder b = g.toBuilder();
    List<LowRankResult.Layer> report = new ArrayList<>();
    for (Node n : nodes) {
      LinearLayer layer = LinearLayer.of(g, n).orElseThrow();
      double[][] cov = grams.get(n.name());
      report.add(one(b, layer, o, cov));
    }
    Graph out = ShapeInference.infer(b.pruneUnused().build());
    return new LowRankResult(out, report, Costs.params(g), Costs.params(out), Costs.macs(g),
        Costs.macs(out));
  }

  private static LowRankResult.Layer one(
      Graph.Builder b, LinearLayer layer, LowRankOptions o, double[][] cov) {
    String name = ModulePaths.of(layer.node());
    double[][] w = layer.weights();
    int out = w.length;
    int fan = w[0].length;
    long before = layer.params();
    boolean conv = layer.kind() == LinearLayer.Kind.CONV;
    boolean spatial = conv && o.convSplit() == LowRankOptions.ConvSplit.SPATIAL
        && layer.taps() > 1 && layer.group() == 1
        && layer.node().attrString("auto_pad", "NOTSET").equals("NOTSET");
    String split = !conv ? "matrix" : spatial ? "spatial" : "channel";
    if (conv && layer.group() != 1) {
      return skipped(name, split, Math.min(out, fan), before, "grouped conv (group "
          + layer.group() + ") is not factorized");
    }
    Factors f = spatial ? Factors.spatial(w, layer.inputs(), layer.kernel())
        : Factors.matrix(w, o.dataAware() ? cov : null);
    int full = f.full();
    int r;
    if (o.fixedRank() > 0) {
      if (o.fixedRank() > full) {
        throw GraftException.badInput("rank %d exceeds the full rank %d of layer %s",
            o.fixedRank(), full, name);
      }
      r = o.fixedRank();
    } else {
      r = f.rankForEnergy(o.energy());
      r = Math.min(full, ((r + o.multiple() - 1) / o.multiple()) * o.multiple());
    }
    long after = f.params(r) + (layer.hasBias() ? out : 0);
    double energy = f.energyKept(r);
    if (after >= before) {
      return new LowRankResult.Layer(name, split, full, r, before, before, energy, Double.NaN,
          Double.NaN, cov != null, "rank " + r + " needs " + after + " parameters, not fewer than "
              + before + ": left alone");
    }
    double[][][] gf = f.factors(r);
    double[][] wr = spatial ? Factors.spatialProduct(gf[0], gf[1], layer.inputs(),
        layer.kernel()) : Dense.mul(gf[0], gf[1]);
    double werr = relErr(w, wr, null);
    double oerr = cov == null ? Double.NaN : relErr(w, wr, cov);
    emit(b, layer, gf[0], gf[1], spatial);
    return new LowRankResult.Layer(name, split, full, r, before, after, energy, werr, oerr,
        cov != null && !spatial && o.dataAware(), null);
  }

  private static LowRankResult.Layer skipped(
      String name, String split, int full, long params, String why) {
    return new LowRankResult.Layer(name, split, full, full, params, params, 1, 0, Double.NaN,
        false, why);
  }

  /** ‖(W−W')‖²/‖W‖², in the metric of {@code cov} (tr(Δ C Δᵀ)) when given. */
  static double relErr(double[][] w, double[][] wr, double[][] cov) {
    double[][] d = new double[w.length][];
    for (int i = 0; i < w.length; i++) {
      d[i] = new double[w[i].length];
      for (int j = 0; j < d[i].length; j++) {
        d[i][j] = w[i][j] - wr[i][j];
      }
    }
    if (cov == null) {
      return Dense.frobenius2(d) / Math.max(Dense.frobenius2(w), 1e-300);
    }
    return Dense.traceQuadratic(d, cov) / Math.max(Dense.traceQuadratic(w, cov), 1e-300);
  }

  /** Replaces the layer by first = F (rank × fan) and second = G (out × rank) plus bias. */
  private static void emit(
      Graph.Builder b, LinearLayer layer, double[][] g, double[][] f, boolean spatial) {
    Node n = layer.node();
    String mid = LinearLayer.fresh(b, n.output(0) + ".lowrank");
    double[] bias = layer.hasBias() ? layer.bias() : null;
    List<Node> repl = new ArrayList<>();
    if (layer.kind() != LinearLayer.Kind.CONV) {
      repl.addAll(LinearLayer.emit(b, layer, n.name() + ".lowrank_a", n.input(0), mid, f, null));
      repl.addAll(LinearLayer.emit(b, layer, n.name() + ".lowrank_b", mid, n.output(0), g, bias));
    } else if (!spatial) {
      repl.addAll(LinearLayer.emit(b, layer, n.name() + ".lowrank_a", n.input(0), mid, f, null));
      repl.add(LinearLayer.emitConv(b, n.name() + ".lowrank_b", mid, n.output(0), g, bias, 1, 1,
          List.of()));
    } else {
      long[] k = layer.kernel();
      long[] s = orDefault(n.attrLongs("strides"), 1, 1);
      long[] d = orDefault(n.attrLongs("dilations"), 1, 1);
      long[] p = orDefault(n.attrLongs("pads"), 0, 0, 0, 0);
      repl.add(LinearLayer.emitConv(b, n.name() + ".lowrank_a", n.input(0), mid, f, null, k[0], 1,
          List.of(Attribute.ints("strides", s[0], 1), Attribute.ints("dilations", d[0], 1),
              Attribute.ints("pads", p[0], 0, p[2], 0))));
      repl.add(LinearLayer.emitConv(b, n.name() + ".lowrank_b", mid, n.output(0), g, bias, 1,
          k[1], List.of(Attribute.ints("strides", 1, s[1]), Attribute.ints("dilations", 1, d[1]),
              Attribute.ints("pads", 0, p[1], 0, p[3]))));
    }
    LinearLayer.replace(b, n, repl);
  }

  private static long[] orDefault(long[] v, long... d) {
    return v == null ? d : v;
  }
}
