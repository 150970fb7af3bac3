package dev.graft.replace;

import dev.graft.GraftException;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.region.Region;
import dev.graft.thin.ThinOptions;
import dev.graft.thin.ThinResult;
import dev.graft.thin.Thinner;
import dev.graft.train.TrainingData;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code thin-conv} student: the region itself, node for node (its convolutions, plain and
 * depthwise, with the same kernels, strides, pads and dilations; its activations; its residual Adds
 * and projection shortcuts; its squeeze-excite gates), with
 * {@code width}× the channels wherever channels are free to shrink: a conv whose output channels
 * reach only other convs (the inner channels of a residual block). Channels tied to the residual
 * stream or the exit keep their count, so every teacher block stays a residual block. The kept
 * channels are chosen by {@link Thinner} on the region alone: greedy SOMP over the recorded entry
 * activations with the next convs refit by least squares (largest norm without data), so the
 * student starts close to the teacher; every conv weight and bias is then trainable.
 */
final class ThinConv {
  /**
   * Ops the student copies besides elementwise activations; BatchNormalization right after a conv
   * is folded into it. Mul and GlobalAveragePool are a squeeze-excite gate's (a ReduceMean over
   * the spatial axes is copied as GlobalAveragePool).
   */
  private static final Set<Op> MIRRORED = EnumSet.of(Op.CONV, Op.RELU, Op.ADD, Op.IDENTITY,
      Op.BATCH_NORMALIZATION, Op.MUL, Op.GLOBAL_AVERAGE_POOL);
  /** Rows of entry activations SOMP reads at most. */
  private static final int SELECT_ROWS = 4096;

  private ThinConv() {}

  static String build(StudentSpec.ThinConv spec, Graph g, Region region, Shape xs, Shape ys,
      Layers l, TrainingData data) {
    if (xs.rank() != 4 || ys.rank() != 4) {
      throw Students.refuse(spec, region, "needs [batch, channels, height, width] tensors, "
          + "region maps " + xs + " to " + ys);
    }
    Graph sub = subgraph(spec, g, region, xs, ys);
    if (sub.nodes().stream().noneMatch(n -> n.op() == Op.CONV)) {
      throw Students.refuse(spec, region, "the region has no Conv nodes");
    }
    ThinOptions o = ThinOptions.of("*", spec.fraction()).multiple(1);
    CalibrationSource source = data == null ? null : new EntrySource(data, region.entry());
    o.select(source == null ? ThinOptions.Select.MAGNITUDE : ThinOptions.Select.SOMP)
        .calibration(source);
    ThinResult thinned = Thinner.thin(sub, o);
    boolean any = thinned.groups().stream().anyMatch(gr -> gr.skipped() == null
        && gr.channelsAfter() < gr.channelsBefore());
    if (!any) {
      throw Students.refuse(spec, region, "no conv has channels free to thin at fraction "
          + spec.fraction() + " (all reach the exit or a residual stream)");
    }
    return copy(thinned.graph(), region, l);
  }

  /** The region as a graph of its own: entry in, exit out, BatchNorm folded into its conv. */
  private static Graph subgraph(StudentSpec spec, Graph g, Region region, Shape xs, Shape ys) {
    Graph.Builder b = Graph.builder().name("region").opset(g.opset())
        .input(new ValueInfo(region.entry(), DType.FLOAT, xs))
        .output(new ValueInfo(region.exit(), DType.FLOAT, ys));
    Map<String, String> alias = new HashMap<>();
    Set<String> names = Set.copyOf(region.nodeNames());
    for (Node n : g.nodes()) {
      if (!names.contains(n.name())) {
        continue;
      }
      if (spatialMean(g, n)) { // torch's dynamo exporter writes adaptive_avg_pool2d(1) so
        b.node(new Node(n.name(), Op.GLOBAL_AVERAGE_POOL,
            List.of(alias.getOrDefault(n.input(0), n.input(0))), n.outputs(), List.of(),
            n.metadata()));
        continue;
      }
      if (!MIRRORED.contains(n.op()) && !n.op().isUnaryElementwise()) {
        throw Students.refuse(spec, region, "node " + n.name() + " is " + n.op().onnxName()
            + "; thin-conv mirrors Conv (plain and depthwise), BatchNormalization, Add, Mul,"
            + " GlobalAveragePool and elementwise activations");
      }
      List<String> ins = n.inputs().stream().map(s -> alias.getOrDefault(s, s)).toList();
      if (n.op() == Op.BATCH_NORMALIZATION) {
        Node conv = g.producer(n.input(0)).orElse(null);
        if (conv == null || conv.op() != Op.CONV || g.consumers(conv.output(0)).size() != 1
            || !names.contains(conv.name())) {
          throw Students.refuse(spec, region, "BatchNormalization " + n.name()
              + " does not directly follow a conv of the region");
        }
        alias.put(n.output(0), conv.output(0));
        continue;
      }
      for (String in : ins) {
        g.constant(in).ifPresent(b::initializer);
      }
      if (n.op() == Op.CONV) {
        long group = n.attrLong("group", 1);
        long[] wd = g.constant(n.input(1)).map(TensorData::dims).orElse(null);
        if (group != 1 && (wd == null || wd[0] != group || wd[1] != 1)) {
          throw Students.refuse(spec, region, "conv " + n.name() + " is grouped (group "
              + group + "); thin-conv needs plain or depthwise convolutions");
        }
        float[][] wb = folded(g, n);
        TensorData w = g.constant(n.input(1)).orElseThrow(() -> GraftException.badInput(
            "conv %s has weights computed at run time; thin-conv needs constant weights",
            n.name()));
        String wn = n.name() + "/weight";
        String bn = n.name() + "/bias";
        b.initializer(TensorData.ofFloats(wn, w.dims(), wb[0]));
        b.initializer(TensorData.ofFloats(bn, new long[] {w.dims()[0]}, wb[1]));
        ins = List.of(ins.get(0), wn, bn);
      }
      b.node(new Node(n.name(), n.op(), ins, n.outputs(),
          List.copyOf(n.attributes().values()), n.metadata()));
    }
    String last = alias.getOrDefault(region.exit(), region.exit());
    if (!last.equals(region.exit())) {
      throw Students.refuse(spec, region, "its exit " + region.exit()
          + " is a BatchNormalization; end the region after it");
    }
    return b.build();
  }

  /** A ReduceMean over the two spatial axes of an NCHW tensor, keeping them: a global pool. */
  private static boolean spatialMean(Graph g, Node n) {
    if (n.op() != Op.REDUCE_MEAN || n.attrLong("keepdims", 1) == 0) {
      return false;
    }
    long[] axes = n.attrLongs("axes");
    if (axes == null && n.inputs().size() > 1) {
      axes = g.constant(n.input(1)).map(TensorData::longs).orElse(null);
    }
    if (axes == null || axes.length != 2) {
      return false;
    }
    java.util.Set<Long> a = new java.util.HashSet<>();
    for (long x : axes) {
      a.add(x < 0 ? x + 4 : x);
    }
    return a.equals(Set.of(2L, 3L));
  }

  /** Copies the thinned region into the student: conv weights and biases become parameters. */
  private static String copy(Graph thinned, Region region, Layers l) {
    Map<String, String> rename = new HashMap<>();
    rename.put(region.entry(), region.entry());
    Map<String, String> params = new LinkedHashMap<>();
    for (Node n : thinned.nodes()) {
      if (n.op() == Op.CONV) {
        for (int i = 1; i < n.inputs().size(); i++) {
          TensorData t = thinned.constant(n.input(i)).orElseThrow();
          params.put(n.input(i), l.param(i == 1 ? "conv_w" : "conv_b", t.dims(), t.floats()));
        }
      }
    }
    String out = null;
    for (Node n : thinned.nodes()) {
      List<String> ins = new ArrayList<>();
      for (String in : n.inputs()) {
        String p = params.get(in);
        if (p != null) {
          ins.add(p);
        } else if (thinned.initializers().containsKey(in)) {
          TensorData c = thinned.initializers().get(in);
          String name = l.prefix + "const_" + rename.size();
          rename.putIfAbsent(in, name);
          l.b.initializer(c.withName(rename.get(in)));
          ins.add(rename.get(in));
        } else {
          ins.add(rename.get(in));
        }
      }
      List<String> outs = new ArrayList<>();
      for (String o : n.outputs()) {
        rename.put(o, l.prefix + "t" + rename.size());
        outs.add(rename.get(o));
      }
      l.b.node(new Node(l.prefix + n.name(), n.op(), ins, outs,
          List.copyOf(n.attributes().values()), n.metadata()));
      out = rename.get(region.exit());
    }
    return out;
  }

  /** Weights and bias of a conv with a directly following BatchNormalization folded in. */
  private static float[][] folded(Graph g, Node c) {
    TensorData wt = g.constant(c.input(1)).orElseThrow(() -> GraftException.badInput(
        "conv %s has weights computed at run time; thin-conv needs constant weights", c.name()));
    float[] w = wt.floats().clone();
    int out = (int) wt.dims()[0];
    int per = w.length / out;
    float[] b = c.inputs().size() < 3 || c.input(2).isEmpty() ? new float[out]
        : g.constant(c.input(2)).map(TensorData::floats).orElse(new float[out]).clone();
    List<Node> next = g.consumers(c.output(0));
    if (next.size() == 1 && next.get(0).op() == Op.BATCH_NORMALIZATION) {
      Node bn = next.get(0);
      float[][] p = new float[4][];
      for (int i = 0; i < 4; i++) {
        p[i] = g.constant(bn.input(i + 1)).map(TensorData::floats).orElseThrow(() ->
            GraftException.badInput("batch norm %s has parameters computed at run time",
                bn.name()));
      }
      double eps = bn.attrFloat("epsilon", 1e-5f);
      for (int o = 0; o < out; o++) {
        double s = p[0][o] / Math.sqrt(p[3][o] + eps);
        for (int k = 0; k < per; k++) {
          w[o * per + k] *= (float) s;
        }
        b[o] = (float) ((b[o] - p[2][o]) * s + p[1][o]);
      }
    }
    return new float[][] {w, b};
  }

  /** The training rows' entry activations as calibration input of the region graph. */
  private static final class EntrySource implements CalibrationSource {
    private final TrainingData data;
    private final String entry;

    EntrySource(TrainingData data, String entry) {
      this.data = data;
      this.entry = entry;
    }

    @Override
    public List<String> names() {
      return List.of(entry);
    }

    @Override
    public int size() {
      return Math.min(SELECT_ROWS, data.rows(TrainingData.Split.TRAIN));
    }

    @Override
    public Map<String, NdArray> batch(int start, int count) {
      int[] rows = new int[count];
      for (int i = 0; i < count; i++) {
        rows[i] = start + i;
      }
      return Map.of(entry, data.batch(TrainingData.Split.TRAIN, rows).get(entry));
    }

    @Override
    public String describe() {
      return "recorded " + entry;
    }

    @Override
    public void close() {}
  }
}
