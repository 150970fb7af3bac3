package dev.graft.linalg;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.OpsetRules;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Gemm, MatMul or Conv node with constant weights, seen as {@code y = W·x + b} with W of shape
 * [outputs][fan-in] in double precision (fan-in is (C/group)·kh·kw for a conv, in the order of
 * ONNX's weight layout). Rewrites emit canonical nodes: Gemm with transB=1, MatMul with an Add for
 * the bias, Conv with the original geometry.
 */
public final class LinearLayer {
  /** The operator family. */
  public enum Kind {
    GEMM,
    MATMUL,
    CONV
  }

  private final Node node;
  private final Kind kind;
  private final double[][] w;
  private final double[] bias;
  private final boolean hasBias;
  private final int inChannels;
  private final long[] kernel;

  private LinearLayer(
      Node node, Kind kind, double[][] w, double[] bias, boolean hasBias, int inChannels,
      long[] kernel) {
    this.node = node;
    this.kind = kind;
    this.w = w;
    this.bias = bias;
    this.hasBias = hasBias;
    this.inChannels = inChannels;
    this.kernel = kernel;
  }

  /** The layer a node computes, if it is a Gemm, 2-D-weight MatMul or Conv with constant weights. */
  public static Optional<LinearLayer> of(Graph g, Node n) {
    switch (n.op()) {
      case GEMM:
        return gemm(g, n);
      case MAT_MUL: {
        Optional<TensorData> b = g.constant(n.input(1));
        if (b.isEmpty() || b.get().rank() != 2 || !b.get().type().isFloating()) {
          return Optional.empty();
        }
        long[] d = b.get().dims();
        double[][] w = Dense.transpose(matrix(b.get().doubles(), (int) d[0], (int) d[1]));
        return Optional.of(
            new LinearLayer(n, Kind.MATMUL, w, new double[(int) d[1]], false, (int) d[0], null));
      }
      case CONV: {
        Optional<TensorData> wt = g.constant(n.input(1));
        if (wt.isEmpty() || wt.get().rank() != 4 || !wt.get().type().isFloating()) {
          return Optional.empty();
        }
        long[] d = wt.get().dims();
        int out = (int) d[0];
        int fan = (int) (d[1] * d[2] * d[3]);
        double[][] w = matrix(wt.get().doubles(), out, fan);
        double[] b = new double[out];
        boolean hasBias = !n.input(2).isEmpty();
        if (hasBias) {
          Optional<TensorData> bt = g.constant(n.input(2));
          if (bt.isEmpty()) {
            return Optional.empty();
          }
          b = bt.get().doubles();
        }
        int group = (int) n.attrLong("group", 1);
        return Optional.of(
            new LinearLayer(n, Kind.CONV, w, b, hasBias, (int) d[1] * group,
                new long[] {d[2], d[3]}));
      }
      default:
        return Optional.empty();
    }
  }

  private static Optional<LinearLayer> gemm(Graph g, Node n) {
    Optional<TensorData> bt = g.constant(n.input(1));
    if (n.attrLong("transA", 0) != 0 || bt.isEmpty() || bt.get().rank() != 2) {
      return Optional.empty();
    }
    long[] d = bt.get().dims();
    double[][] m = matrix(bt.get().doubles(), (int) d[0], (int) d[1]);
    double[][] w = n.attrLong("transB", 0) != 0 ? m : Dense.transpose(m);
    double alpha = n.attrFloat("alpha", 1f);
    for (double[] r : w) {
      for (int j = 0; j < r.length; j++) {
        r[j] *= alpha;
      }
    }
    int out = w.length;
    double[] b = new double[out];
    boolean hasBias = !n.input(2).isEmpty();
    if (hasBias) {
      Optional<TensorData> c = g.constant(n.input(2));
      if (c.isEmpty() || c.get().elementCount() != out && c.get().elementCount() != 1) {
        return Optional.empty();
      }
      double beta = n.attrFloat("beta", 1f);
      double[] cv = c.get().doubles();
      for (int i = 0; i < out; i++) {
        b[i] = beta * cv[cv.length == 1 ? 0 : i];
      }
    }
    return Optional.of(new LinearLayer(n, Kind.GEMM, w, b, hasBias, w[0].length, null));
  }

  static double[][] matrix(double[] flat, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, m[i], 0, cols);
    }
    return m;
  }

  public Node node() {
    return node;
  }

  public Kind kind() {
    return kind;
  }

  /** Weights [outputs][fan-in], a fresh copy. */
  public double[][] weights() {
    double[][] c = new double[w.length][];
    for (int i = 0; i < w.length; i++) {
      c[i] = w[i].clone();
    }
    return c;
  }

  public double[] bias() {
    return bias.clone();
  }

  public boolean hasBias() {
    return hasBias;
  }

  public int outputs() {
    return w.length;
  }

  /** Input features (Gemm/MatMul) or input channels (Conv). */
  public int inputs() {
    return inChannels;
  }

  /** Kernel height and width of a conv; null otherwise. */
  public long[] kernel() {
    return kernel == null ? null : kernel.clone();
  }

  public int group() {
    return (int) node.attrLong("group", 1);
  }

  /** Spatial positions per input channel in one weight row: kh·kw for a conv, else 1. */
  public int taps() {
    return kernel == null ? 1 : (int) (kernel[0] * kernel[1]);
  }

  /** Weight elements plus bias elements. */
  public long params() {
    return (long) w.length * w[0].length + (hasBias ? w.length : 0);
  }

  /**
   * Nodes and initializers computing {@code output = W'·input + b'} with this layer's kind and
   * geometry, named after {@code name}; a conv's input channel count follows W'.
   */
  public static List<Node> emit(
      Graph.Builder b, LinearLayer like, String name, String input, String output, double[][] w,
      double[] bias) {
    List<Node> out = new ArrayList<>();
    int rows = w.length;
    int cols = w[0].length;
    switch (like.kind) {
      case GEMM: {
        String wn = fresh(b, name + ".weight");
        b.initializer(TensorData.ofFloats(wn, new long[] {rows, cols}, flat(w)));
        List<String> ins = new ArrayList<>(List.of(input, wn));
        if (bias != null || b.opset() < OpsetRules.GEMM_OPTIONAL_C) {
          String bn = fresh(b, name + ".bias");
          b.initializer(TensorData.ofFloats(bn, new long[] {rows},
              bias != null ? toFloats(bias) : new float[rows]));
          ins.add(bn);
        }
        out.add(Node.of(name, Op.GEMM, ins, List.of(output), Attribute.of("transB", 1L)));
        return out;
      }
      case MATMUL: {
        String wn = fresh(b, name + ".weight");
        b.initializer(TensorData.ofFloats(wn, new long[] {cols, rows}, flat(Dense.transpose(w))));
        if (bias == null) {
          out.add(Node.of(name, Op.MAT_MUL, List.of(input, wn), List.of(output)));
          return out;
        }
        String mid = fresh(b, output + ".matmul");
        String bn = fresh(b, name + ".bias");
        b.initializer(TensorData.ofFloats(bn, new long[] {rows}, toFloats(bias)));
        out.add(Node.of(name, Op.MAT_MUL, List.of(input, wn), List.of(mid)));
        out.add(Node.of(name + ".bias_add", Op.ADD, List.of(mid, bn), List.of(output)));
        return out;
      }
      default: {
        int taps = like.taps();
        int cin = cols / taps;
        String wn = fresh(b, name + ".weight");
        b.initializer(
            TensorData.ofFloats(
                wn, new long[] {rows, cin, like.kernel[0], like.kernel[1]}, flat(w)));
        List<String> ins = new ArrayList<>(List.of(input, wn));
        if (bias != null) {
          String bn = fresh(b, name + ".bias");
          b.initializer(TensorData.ofFloats(bn, new long[] {rows}, toFloats(bias)));
          ins.add(bn);
        }
        List<Attribute> attrs = new ArrayList<>(like.node.attributes().values());
        attrs.removeIf(a -> a.name().equals("kernel_shape"));
        attrs.add(Attribute.ints("kernel_shape", like.kernel));
        out.add(new Node(name, Op.CONV, ins, List.of(output), attrs));
        return out;
      }
    }
  }

  /** A conv node with the given kernel and attributes (kernel_shape is set from kh, kw). */
  public static Node emitConv(Graph.Builder b, String name, String input, String output,
      double[][] w, double[] bias, long kh, long kw, List<Attribute> attrs) {
    int cin = w[0].length / (int) (kh * kw);
    String wn = fresh(b, name + ".weight");
    b.initializer(TensorData.ofFloats(wn, new long[] {w.length, cin, kh, kw}, flat(w)));
    List<String> ins = new ArrayList<>(List.of(input, wn));
    if (bias != null) {
      String bn = fresh(b, name + ".bias");
      b.initializer(TensorData.ofFloats(bn, new long[] {w.length}, toFloats(bias)));
      ins.add(bn);
    }
    List<Attribute> a = new ArrayList<>(attrs);
    a.removeIf(x -> x.name().equals("kernel_shape"));
    a.add(Attribute.ints("kernel_shape", kh, kw));
    return new Node(name, Op.CONV, ins, List.of(output), a);
  }

  /** A tensor name not yet used by an initializer or node of the builder. */
  public static String fresh(Graph.Builder b, String base) {
    java.util.Set<String> used = new java.util.HashSet<>(b.initializers().keySet());
    for (Node n : b.nodes()) {
      used.addAll(n.outputs());
      used.add(n.name());
    }
    String s = base;
    for (int i = 1; used.contains(s); i++) {
      s = base + "_" + i;
    }
    return s;
  }

  public static float[] flat(double[][] m) {
    int cols = m[0].length;
    float[] f = new float[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < cols; j++) {
        f[i * cols + j] = (float) m[i][j];
      }
    }
    return f;
  }

  public static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  /**
   * Replaces node {@code old} in the builder's node list by {@code replacement}, in place; the
   * new nodes without metadata of their own take the old node's (its module path).
   */
  public static void replace(Graph.Builder b, Node old, List<Node> replacement) {
    List<Node> nodes = b.nodes();
    int at = nodes.indexOf(old);
    if (at < 0) {
      throw new IllegalStateException("node " + old.name() + " is not in the graph");
    }
    nodes.remove(at);
    nodes.addAll(at, replacement.stream()
        .map(n -> n.metadata().isEmpty() ? n.withMetadataOf(old) : n).toList());
  }
}
