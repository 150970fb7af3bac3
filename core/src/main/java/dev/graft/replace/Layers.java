package dev.graft.replace;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import dev.graft.train.GraphEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Emits the layers students are made of, registering their parameters with seeded values. */
final class Layers {
  final Graph.Builder b;
  final GraphEmitter e;
  final String prefix;
  final List<String> params = new ArrayList<>();
  final Random rnd;
  private int counter;

  Layers(Graph.Builder b, String prefix, long seed) {
    this.b = b;
    this.prefix = prefix;
    this.e = new GraphEmitter(b, prefix, DType.FLOAT);
    this.rnd = new Random(seed);
  }

  /** A trainable parameter with the given values. */
  String param(String hint, long[] dims, float[] values) {
    String name = prefix + hint + "_" + (counter++);
    b.initializer(TensorData.ofFloats(name, dims, values));
    params.add(name);
    return name;
  }

  /** Gaussian values with standard deviation {@code std}. */
  float[] gaussian(int n, double std) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (rnd.nextGaussian() * std);
    }
    return f;
  }

  static float[] filled(int n, float v) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, v);
    return f;
  }

  /** x [..., in] times W [in, out] plus b; Gemm for 2-D inputs, MatMul and Add otherwise. */
  String dense(String x, int rank, long in, long out, double gain) {
    String w = param("w", new long[] {in, out}, gaussian((int) (in * out), gain / Math.sqrt(in)));
    String bias = param("b", new long[] {out}, new float[(int) out]);
    if (rank == 2) {
      return e.op(Op.GEMM, List.of(x, w, bias));
    }
    return e.op(Op.ADD, List.of(e.op(Op.MAT_MUL, List.of(x, w)), bias));
  }

  String activation(String x, String kind) {
    if (kind.equals("relu")) {
      return e.op(Op.RELU, List.of(x));
    }
    // GELU, exact form: 0.5 x (1 + erf(x / sqrt 2))
    String erf = e.op(Op.ERF, List.of(e.op(Op.MUL, List.of(x, e.scalar(Math.sqrt(0.5))))));
    String half = e.op(Op.MUL, List.of(x, e.scalar(0.5)));
    return e.op(Op.MUL, List.of(half, e.op(Op.ADD, List.of(erf, e.scalar(1.0)))));
  }

  String layerNorm(String x, long d) {
    String s = param("ln_scale", new long[] {d}, filled((int) d, 1f));
    String bias = param("ln_bias", new long[] {d}, new float[(int) d]);
    return e.op(Op.LAYER_NORMALIZATION, List.of(x, s, bias), Attribute.of("axis", -1L),
        Attribute.of("epsilon", 1e-5f));
  }
}
