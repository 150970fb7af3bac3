package dev.graft.thin;

import dev.graft.GraftException;
import dev.graft.data.NdArray;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.simplify.Costs;
import dev.graft.simplify.LayerPattern;
import dev.graft.simplify.LinearLayer;
import dev.graft.simplify.Patches;
import dev.graft.simplify.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code graft thin} command: for each selected layer L (Conv or Gemm/MatMul) whose output
 * reaches exactly one next linear layer N through per-channel ops (BatchNormalization and
 * elementwise activations), keeps a subset of L's output channels and drops the matching input
 * channels of N. With {@link ThinOptions.Select#SOMP} the subset is the one whose activations best
 * reconstruct the teacher's N output on the calibration data (all samples and positions at once),
 * and N is then refit by least squares; {@link ThinOptions.Select#MAGNITUDE} keeps the rows of
 * largest L1 norm without refit. Layers are thinned one after another, each on the activations of
 * the model thinned so far. Channels that reach a residual Add or a Concat are left alone, and the
 * report says so.
 *
 * <pre>{@code
 * ThinResult r = Thinner.thin(g, ThinOptions.of("stage*.c1", 0.5).calibration(cal));
 * }</pre>
 */
public final class Thinner {
  private Thinner() {}

  public static ThinResult thin(Graph graph, ThinOptions o) {
    Graph teacher = ShapeInference.infer(graph);
    List<Node> selected = LayerPattern.of(o.layers())
        .select(teacher, n -> LinearLayer.of(teacher, n).isPresent(), "Conv/Gemm/MatMul layer");
    boolean somp = o.select() == ThinOptions.Select.SOMP;
    Map<String, NdArray> cal = o.calibrationSamples();
    if (somp && cal == null) {
      throw GraftException.badInput("thin --select somp needs calibration data (--calibration)");
    }
    Graph cur = teacher;
    List<ThinResult.Layer> report = new ArrayList<>();
    for (Node sel : selected) {
      Node l = cur.node(sel.name()).orElseThrow();
      LinearLayer layer = LinearLayer.of(cur, l).orElseThrow();
      String name = LayerPattern.displayName(l);
      Chain chain = Chain.find(cur, layer);
      int c = layer.outputs();
      if (chain.reason() != null) {
        report.add(new ThinResult.Layer(name, List.of(), c, c, null, Double.NaN,
            chain.reason()));
        continue;
      }
      int k = o.kept(c);
      if (k >= c) {
        report.add(new ThinResult.Layer(name, List.of(LayerPattern.displayName(chain.next()
            .node())), c, c, null, Double.NaN, "keeping " + k + " of " + c + " is all of them"));
        continue;
      }
      Somp stats = cal == null ? null : stats(cur, teacher, chain.next(), cal);
      int[] kept;
      double[][] coef = null;
      if (somp) {
        kept = stats.select(k);
        coef = stats.refit(kept);
      } else {
        kept = magnitude(layer, k);
      }
      double err = Double.NaN;
      if (stats != null) {
        err = stats.relErr(kept, coef != null ? coef : currentCoefficients(chain.next(), kept));
      }
      cur = rewrite(cur, layer, chain, kept, coef);
      report.add(new ThinResult.Layer(name, List.of(LayerPattern.displayName(chain.next()
          .node())), c, kept.length, kept, err, null));
    }
    return new ThinResult(cur, o.select().name().toLowerCase(), report, Costs.params(teacher),
        Costs.params(cur), Costs.flops(teacher), Costs.flops(cur));
  }

  private static int[] magnitude(LinearLayer layer, int k) {
    double[][] w = layer.weights();
    Integer[] order = new Integer[w.length];
    double[] norm = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      order[i] = i;
      for (double v : w[i]) {
        norm[i] += Math.abs(v);
      }
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(norm[b], norm[a]));
    return java.util.Arrays.stream(order).limit(k).mapToInt(Integer::intValue).sorted().toArray();
  }

  /** N's present weights over the kept channels and its bias, as coefficients [features][out]. */
  private static double[][] currentCoefficients(LinearLayer next, int[] kept) {
    double[][] w = next.weights();
    int taps = next.taps();
    double[][] b = new double[kept.length * taps + 1][w.length];
    for (int o = 0; o < w.length; o++) {
      for (int i = 0; i < kept.length; i++) {
        for (int t = 0; t < taps; t++) {
          b[i * taps + t][o] = w[o][kept[i] * taps + t];
        }
      }
      b[kept.length * taps][o] = next.bias()[o];
    }
    return b;
  }

  /** XᵀX, XᵀY and ΣY² of N's input features (plus a bias column) against the teacher's N output. */
  private static Somp stats(Graph cur, Graph teacher, LinearLayer next, Map<String, NdArray> cal) {
    Node n = next.node();
    NdArray a = Recorder.record(cur, cal, List.of(n.input(0)), 256).get(n.input(0));
    NdArray y = Recorder.record(teacher, cal, List.of(n.output(0)), 256).get(n.output(0));
    long[] outShape = Costs.concrete(cur).info(n.output(0)).map(ValueInfo::shape).orElseThrow()
        .sizes();
    int out = next.outputs();
    int fan = next.weights()[0].length;
    int f = fan + 1;
    double[][] g = new double[f][f];
    double[][] xy = new double[f][out];
    double[] yy = {0};
    float[] yf = y.floats();
    int positions = y.rowSize() / out;
    boolean channelsFirst = next.kind() == LinearLayer.Kind.CONV;
    double[] ext = new double[f];
    Patches.forEach(a, next, outShape, (s, p, row) -> {
      System.arraycopy(row, 0, ext, 0, fan);
      ext[fan] = 1;
      for (int i = 0; i < f; i++) {
        double ri = ext[i];
        if (ri == 0) {
          continue;
        }
        for (int j = i; j < f; j++) {
          g[i][j] += ri * ext[j];
        }
      }
      for (int o = 0; o < out; o++) {
        double t = channelsFirst ? yf[(s * out + o) * positions + p]
            : yf[(s * positions + p) * out + o];
        yy[0] += t * t;
        for (int i = 0; i < f; i++) {
          xy[i][o] += ext[i] * t;
        }
      }
    });
    for (int i = 0; i < f; i++) {
      for (int j = 0; j < i; j++) {
        g[i][j] = g[j][i];
      }
    }
    return new Somp(g, xy, yy[0], next.taps());
  }

  private static Graph rewrite(
      Graph g, LinearLayer layer, Chain chain, int[] kept, double[][] coef) {
    Graph.Builder b = g.toBuilder();
    double[][] w = layer.weights();
    double[] bias = layer.bias();
    double[][] wk = new double[kept.length][];
    double[] bk = new double[kept.length];
    for (int i = 0; i < kept.length; i++) {
      wk[i] = w[kept[i]];
      bk[i] = bias[kept[i]];
    }
    Node l = layer.node();
    LinearLayer.replace(b, l, LinearLayer.emit(b, layer, l.name(), l.input(0), l.output(0), wk,
        layer.hasBias() ? bk : null));
    for (Node bn : chain.between()) {
      if (bn.op() != Op.BATCH_NORMALIZATION) {
        continue;
      }
      List<String> ins = new ArrayList<>(bn.inputs());
      for (int p = 1; p < 5; p++) {
        TensorData t = g.constant(bn.input(p)).orElseThrow();
        float[] v = t.floats();
        float[] s = new float[kept.length];
        for (int i = 0; i < kept.length; i++) {
          s[i] = v[kept[i]];
        }
        String nm = LinearLayer.fresh(b, bn.input(p) + ".thin");
        b.initializer(TensorData.ofFloats(nm, new long[] {kept.length}, s));
        ins.set(p, nm);
      }
      LinearLayer.replace(b, bn, List.of(bn.withInputs(ins)));
    }
    LinearLayer next = chain.next();
    int taps = next.taps();
    int out = next.outputs();
    double[][] w2 = new double[out][kept.length * taps];
    double[] b2 = next.bias();
    if (coef != null) {
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < kept.length * taps; i++) {
          w2[o][i] = coef[i][o];
        }
        b2[o] = coef[kept.length * taps][o];
      }
    } else {
      double[][] wn = next.weights();
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < kept.length; i++) {
          System.arraycopy(wn[o], kept[i] * taps, w2[o], i * taps, taps);
        }
      }
    }
    Node n = next.node();
    boolean withBias = coef != null || next.hasBias();
    LinearLayer.replace(b, n, LinearLayer.emit(b, next, n.name(), n.input(0), n.output(0), w2,
        withBias ? b2 : null));
    return ShapeInference.infer(b.pruneUnused().build());
  }

  /** The path from a layer's output to the next linear layer, or why there is none to use. */
  record Chain(List<Node> between, LinearLayer next, String reason) {
    static Chain find(Graph g, LinearLayer layer) {
      if (layer.kind() == LinearLayer.Kind.CONV && layer.group() != 1) {
        return new Chain(List.of(), null, "grouped conv is not thinned");
      }
      List<Node> between = new ArrayList<>();
      String t = layer.node().output(0);
      while (true) {
        if (g.outputNames().contains(t)) {
          return new Chain(between, null, "its channels reach the graph output " + t);
        }
        List<Node> cs = g.consumers(t);
        if (cs.size() != 1) {
          return new Chain(between, null, cs.isEmpty() ? "nothing reads its output"
              : "its channels reach " + cs.size() + " consumers (" + cs.get(0).name() + ", "
                  + cs.get(1).name() + "): coupled channels are not thinned");
        }
        Node c = cs.get(0);
        boolean perChannel = c.op() == Op.BATCH_NORMALIZATION && c.input(0).equals(t)
            || c.op().isUnaryElementwise() && c.op() != Op.CLIP;
        if (perChannel) {
          between.add(c);
          t = c.output(0);
          continue;
        }
        Optional<LinearLayer> next = LinearLayer.of(g, c);
        if (next.isEmpty() || !c.input(0).equals(t)
            || next.get().kind() == LinearLayer.Kind.CONV && next.get().group() != 1
            || (next.get().kind() == LinearLayer.Kind.CONV)
                != (layer.kind() == LinearLayer.Kind.CONV)) {
          return new Chain(between, null, "its channels reach " + c.op().onnxName() + " node "
              + c.name() + ", not a next linear layer: coupled channels are not thinned");
        }
        return new Chain(between, next.get(), null);
      }
    }
  }
}
