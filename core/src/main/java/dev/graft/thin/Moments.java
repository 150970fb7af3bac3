package dev.graft.thin;

import dev.graft.data.CalibrationSource;
import dev.graft.data.NdArray;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ValueInfo;
import dev.graft.simplify.LinearLayer;
import dev.graft.simplify.Patches;
import dev.graft.simplify.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Second moments of one consumer layer, accumulated batch by batch over the calibration set: XᵀX
 * and XᵀY of its input features X in the model thinned so far (plus a constant column for the bias
 * of a Conv or Gemm) against Y, the teacher's output of that layer restricted to the output
 * channels the layer still has. Memory is fixed by the layer's fan-in and width, not by the data.
 */
final class Moments {
  private final LinearLayer layer;
  private final int[] teacherRows;
  private final long[] outShape;
  private final boolean bias;
  private final int fan;
  private final double[][] g;
  private final double[][] xy;
  private double yy;

  private Moments(LinearLayer layer, int[] teacherRows, long[] outShape) {
    this.layer = layer;
    this.teacherRows = teacherRows;
    this.outShape = outShape;
    this.bias = layer.kind() != LinearLayer.Kind.MATMUL;
    this.fan = layer.weights()[0].length;
    int f = fan + (bias ? 1 : 0);
    this.g = new double[f][f];
    this.xy = new double[f][layer.outputs()];
  }

  /**
   * Moments of each consumer (in {@code shaped}, the current graph with concrete shapes), over
   * one pass of the data through the current graph and the teacher side by side. {@code rows}
   * maps a layer to the teacher output channels it still has (absent: all).
   */
  static List<Moments> collect(Graph current, Graph teacher, Graph shaped, List<Node> consumers,
      Map<String, int[]> rows, CalibrationSource data) {
    List<Moments> out = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (Node n : consumers) {
      LinearLayer l = LinearLayer.of(shaped, n).orElseThrow();
      long[] os = shaped.info(n.output(0)).map(ValueInfo::shape).orElseThrow().sizes();
      int[] r = rows.get(n.name());
      if (r == null) {
        r = java.util.stream.IntStream.range(0, l.outputs()).toArray();
      }
      out.add(new Moments(l, r, os));
      inputs.add(n.input(0));
      targets.add(n.output(0));
    }
    Recorder.stream(data, 128, List.of(current, teacher), List.of(inputs, targets),
        (start, t) -> {
          for (int i = 0; i < out.size(); i++) {
            out.get(i).add(t.get(0).get(inputs.get(i)), t.get(1).get(targets.get(i)));
          }
        });
    return out;
  }

  LinearLayer layer() {
    return layer;
  }

  private void add(NdArray x, NdArray y) {
    int f = g.length;
    int out = layer.outputs();
    boolean channelsFirst = layer.kind() == LinearLayer.Kind.CONV;
    int teacherWidth = (int) (channelsFirst ? y.shape()[1] : y.shape()[y.rank() - 1]);
    int positions = y.rowSize() / teacherWidth;
    float[] yf = y.floats();
    double[] ext = new double[f];
    double[] target = new double[out];
    Patches.forEach(x, layer, outShape, (s, p, row) -> {
      System.arraycopy(row, 0, ext, 0, fan);
      if (bias) {
        ext[fan] = 1;
      }
      for (int i = 0; i < f; i++) {
        double ri = ext[i];
        if (ri == 0) {
          continue;
        }
        double[] gi = g[i];
        for (int j = i; j < f; j++) {
          gi[j] += ri * ext[j];
        }
      }
      for (int o = 0; o < out; o++) {
        int c = teacherRows[o];
        double t = channelsFirst ? yf[(s * teacherWidth + c) * positions + p]
            : yf[(s * positions + p) * teacherWidth + c];
        target[o] = t;
        yy += t * t;
      }
      for (int i = 0; i < f; i++) {
        double ri = ext[i];
        if (ri == 0) {
          continue;
        }
        double[] xi = xy[i];
        for (int o = 0; o < out; o++) {
          xi[o] += ri * target[o];
        }
      }
    });
  }

  /** The least-squares problem over the input channels' classes. */
  Somp somp(int[] classOf, int classCount) {
    double[][] full = new double[g.length][];
    for (int i = 0; i < g.length; i++) {
      full[i] = g[i].clone();
      for (int j = 0; j < i; j++) {
        full[i][j] = g[j][i];
      }
    }
    return new Somp(full, xy, yy, layer.taps(), classOf, classCount, bias);
  }

  /** The layer's present weights over the kept input features (and its bias) as coefficients. */
  double[][] presentCoefficients(List<Integer> features) {
    double[][] w = layer.weights();
    double[] b = layer.bias();
    double[][] c = new double[features.size()][w.length];
    for (int i = 0; i < features.size(); i++) {
      int f = features.get(i);
      for (int o = 0; o < w.length; o++) {
        c[i][o] = f == fan ? b[o] : w[o][f];
      }
    }
    return c;
  }
}
