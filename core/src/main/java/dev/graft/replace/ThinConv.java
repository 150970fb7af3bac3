package dev.graft.replace;

import dev.graft.graph.Attribute;
import dev.graft.region.Region;
import dev.graft.graph.DType;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code thin-conv} student: the region's main-path convolutions in order (a 1×1 conv reading
 * the same tensor as a larger one is a shortcut and left out), with the same kernels, strides,
 * pads and dilations, {@code width}× the output channels except the last, which keeps the exit's
 * channels; ReLU between them; plus the entry tensor when entry and exit shapes are equal. Weights
 * start from the teacher's (batch norm that directly follows a conv folded in), keeping the output
 * channels of largest norm; where shapes do not line up they start random.
 */
final class ThinConv {
  private ThinConv() {}

  static String build(StudentSpec spec, Graph g, Region region, Shape xs, Shape ys, Layers l) {
    if (xs.rank() != 4 || ys.rank() != 4) {
      throw Students.refuse(spec, region, "needs [batch, channels, height, width] tensors, "
          + "region maps " + xs + " to " + ys);
    }
    List<Node> convs = mainPath(g, region);
    if (convs.isEmpty()) {
      throw Students.refuse(spec, region, "the region has no Conv nodes");
    }
    long prevOut = xs.dim(1).value();
    int[] prevSel = null;
    String h = region.entry();
    for (int i = 0; i < convs.size(); i++) {
      Node c = convs.get(i);
      if (c.attrLong("group", 1) != 1) {
        throw Students.refuse(spec, region, "conv " + c.name() + " is grouped (group "
            + c.attrLong("group", 1) + "); thin-conv needs plain convolutions");
      }
      float[][] wb = folded(g, c);
      long[] tw = g.constant(c.input(1)).orElseThrow().dims();
      boolean last = i == convs.size() - 1;
      long out = last ? ys.dim(1).value() : Math.max(1, Math.round(spec.width() * tw[0]));
      int kArea = (int) (tw[2] * tw[3]);
      int[] sel = last && out == tw[0] ? identity((int) out) : topNorm(wb[0], (int) tw[0],
          (int) (tw[1] * kArea), (int) Math.min(out, tw[0]));
      boolean fromTeacher = sel.length == out && (prevSel == null ? tw[1] == prevOut
          : prevSel.length == prevOut && tw[1] >= Arrays.stream(prevSel).max().orElse(0) + 1);
      float[] w = new float[(int) (out * prevOut * kArea)];
      float[] b = new float[(int) out];
      if (fromTeacher) {
        for (int o = 0; o < out; o++) {
          b[o] = wb[1][sel[o]];
          for (int in = 0; in < prevOut; in++) {
            int ti = prevSel == null ? in : prevSel[in];
            System.arraycopy(wb[0], (int) ((sel[o] * tw[1] + ti) * kArea), w,
                (int) ((o * prevOut + in) * kArea), kArea);
          }
        }
      } else {
        w = l.gaussian(w.length, Math.sqrt(2.0 / (prevOut * kArea)));
      }
      String wn = l.param("conv_w", new long[] {out, prevOut, tw[2], tw[3]}, w);
      String bn = l.param("conv_b", new long[] {out}, b);
      List<Attribute> attrs = new ArrayList<>();
      for (String a : List.of("strides", "pads", "dilations")) {
        c.attribute(a).ifPresent(attrs::add);
      }
      h = l.e.op(Op.CONV, List.of(h, wn, bn), attrs.toArray(new Attribute[0]));
      if (!last) {
        h = l.e.op(Op.RELU, List.of(h));
      }
      prevOut = out;
      prevSel = fromTeacher ? sel : identity((int) out);
    }
    if (Arrays.equals(Students.rowDims(xs), Students.rowDims(ys))) {
      h = l.e.op(Op.ADD, List.of(region.entry(), h));
    }
    Graph probe = ShapeInference.infer(l.b.build().toBuilder()
        .outputs(List.of(new ValueInfo(h, DType.FLOAT, null))).build());
    Shape got = probe.info(h).orElseThrow().shape();
    if (!Arrays.equals(Students.rowDims(got), Students.rowDims(ys))) {
      throw Students.refuse(spec, region, "its conv stack maps " + xs + " to " + got
          + ", not to the exit's " + ys);
    }
    return h;
  }

  /** The region's Conv nodes in graph order, shortcut 1×1 convs left out. */
  static List<Node> mainPath(Graph g, Region region) {
    List<Node> convs = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.op() == Op.CONV && region.nodeNames().contains(n.name())) {
        convs.add(n);
      }
    }
    List<Node> main = new ArrayList<>();
    for (Node c : convs) {
      boolean shortcut = false;
      for (Node other : convs) {
        if (other != c && other.input(0).equals(c.input(0)) && area(g, other) > area(g, c)) {
          shortcut = true;
        }
      }
      if (!shortcut) {
        main.add(c);
      }
    }
    return main;
  }

  private static long area(Graph g, Node conv) {
    long[] d = g.constant(conv.input(1)).map(TensorData::dims).orElse(new long[] {0, 0, 1, 1});
    return d[2] * d[3];
  }

  /** Weights and bias of a conv with a directly following BatchNormalization folded in. */
  private static float[][] folded(Graph g, Node c) {
    TensorData wt = g.constant(c.input(1)).orElseThrow(() -> dev.graft.GraftException.badInput(
        "conv %s has weights computed at run time; thin-conv needs constant weights", c.name()));
    float[] w = wt.floats();
    int out = (int) wt.dims()[0];
    int per = w.length / out;
    float[] b = c.input(2).isEmpty() ? new float[out]
        : g.constant(c.input(2)).map(TensorData::floats).orElse(new float[out]);
    List<Node> next = g.consumers(c.output(0));
    if (next.size() == 1 && next.get(0).op() == Op.BATCH_NORMALIZATION) {
      Node bn = next.get(0);
      float[][] p = new float[4][];
      for (int i = 0; i < 4; i++) {
        p[i] = g.constant(bn.input(i + 1)).map(TensorData::floats).orElse(null);
        if (p[i] == null) {
          return new float[][] {w, b};
        }
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

  private static int[] topNorm(float[] w, int rows, int per, int keep) {
    Integer[] idx = new Integer[rows];
    double[] norm = new double[rows];
    for (int r = 0; r < rows; r++) {
      idx[r] = r;
      for (int k = 0; k < per; k++) {
        norm[r] += w[r * per + k] * w[r * per + k];
      }
    }
    Arrays.sort(idx, (a, b) -> Double.compare(norm[b], norm[a]));
    int[] sel = new int[keep];
    for (int i = 0; i < keep; i++) {
      sel[i] = idx[i];
    }
    Arrays.sort(sel);
    return sel;
  }

  private static int[] identity(int n) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
    }
    return s;
  }
}
