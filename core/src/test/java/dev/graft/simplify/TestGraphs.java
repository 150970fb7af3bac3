package dev.graft.simplify;

import dev.graft.graph.Attribute;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small models built in code for the shrinking tests, and helpers to compare two models. */
public final class TestGraphs {
  private TestGraphs() {}

  public static float[] randn(Random r, int n, double scale) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextGaussian() * scale);
    }
    return f;
  }

  public static float[] uniform(Random r, int n, double lo, double hi) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return f;
  }

  /**
   * An MLP {@code widths[0] → … → widths[k]} of Gemm(transB=1)+Relu layers (no Relu after the
   * last); weights and biases are given per layer as row-major [out][in] and [out].
   */
  public static Graph mlp(int[] widths, List<float[]> weights, List<float[]> biases) {
    Graph.Builder b = Graph.builder().opset(17);
    b.input(new ValueInfo("x", DType.FLOAT, Shape.of(List.of(Dim.symbol("batch"),
        Dim.of(widths[0])))));
    String cur = "x";
    int layers = widths.length - 1;
    for (int i = 0; i < layers; i++) {
      String w = "fc" + i + ".weight";
      String bias = "fc" + i + ".bias";
      b.initializer(TensorData.ofFloats(w, new long[] {widths[i + 1], widths[i]}, weights.get(i)));
      b.initializer(TensorData.ofFloats(bias, new long[] {widths[i + 1]}, biases.get(i)));
      String out = i == layers - 1 ? "y" : "/fc" + i + "/Gemm_output_0";
      b.node(Node.of("/fc" + i + "/Gemm", Op.GEMM, List.of(cur, w, bias), List.of(out),
          Attribute.of("transB", 1L)));
      cur = out;
      if (i < layers - 1) {
        String r = "/act" + i + "/Relu_output_0";
        b.node(Node.of("/act" + i + "/Relu", Op.RELU, List.of(cur), List.of(r)));
        cur = r;
      }
    }
    b.output(new ValueInfo("y", DType.FLOAT, null));
    return b.build();
  }

  /** Max absolute difference of the first outputs of two models on the same inputs. */
  public static double maxAbsDiff(Graph a, Graph b, String input, NdArray x) {
    float[] ya = Recorder.run(a, java.util.Map.of(input, x)).values().iterator().next().floats();
    float[] yb = Recorder.run(b, java.util.Map.of(input, x)).values().iterator().next().floats();
    double m = 0;
    for (int i = 0; i < ya.length; i++) {
      m = Math.max(m, Math.abs(ya[i] - yb[i]));
    }
    return m;
  }

  public static long count(Graph g, Op op) {
    return g.nodes().stream().filter(n -> n.op() == op).count();
  }

  public static List<float[]> list(float[]... a) {
    return new ArrayList<>(List.of(a));
  }
}
