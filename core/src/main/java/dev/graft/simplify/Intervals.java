package dev.graft.simplify;

import dev.graft.region.Costs;
import dev.graft.graph.Graph;
import dev.graft.linalg.Conv2d;
import dev.graft.linalg.LinearLayer;
import dev.graft.graph.Node;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Interval bound propagation: sound elementwise lower and upper bounds of every tensor when each
 * graph input lies in a box [lo, hi], for one sample (batch axes bound to 1). Linear layers use
 * the centre/radius form (W·c + b ± |W|·r). Supported: Gemm, MatMul, Conv, Relu, Add, Sub, Mul by
 * a constant, BatchNormalization, Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout,
 * GlobalAveragePool, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish. Past any other operator the
 * bounds are unknown.
 */
public final class Intervals {
  /** Bounds of one tensor, in C order over its static shape. */
  public record Box(double[] lo, double[] hi, long[] shape) {}

  private Intervals() {}

  /** Bounds of every tensor that can be bounded, keyed by tensor name. */
  public static Map<String, Box> propagate(Graph g, double lo, double hi) {
    Graph c = Costs.concrete(g);
    Map<String, Box> boxes = new HashMap<>();
    for (ValueInfo in : c.inputs()) {
      long[] s = in.shape().sizes();
      int n = (int) count(s);
      double[] l = new double[n];
      double[] h = new double[n];
      java.util.Arrays.fill(l, lo);
      java.util.Arrays.fill(h, hi);
      boxes.put(in.name(), new Box(l, h, s));
    }
    for (Node n : c.nodes()) {
      Box x = boxes.get(n.input(0));
      Shape os = c.info(n.output(0)).map(ValueInfo::shape).orElse(null);
      if (x == null || os == null || !os.isStatic()) {
        continue;
      }
      Box y = step(c, n, x, boxes, os.sizes());
      // bounds are per sample: a box that does not cover its tensor's shape (a batch other than
      // one declared by the model) is left unknown rather than read out of range
      if (y != null && y.lo().length == count(y.shape()) && x.lo().length == count(x.shape())) {
        boxes.put(n.output(0), y);
      }
    }
    return boxes;
  }

  private static Box step(Graph g, Node n, Box x, Map<String, Box> boxes, long[] os) {
    switch (n.op()) {
      case RELU:
        return map(x, os, v -> Math.max(0, v));
      case SIGMOID:
        return map(x, os, v -> 1 / (1 + Math.exp(-v)));
      case TANH:
        return map(x, os, Math::tanh);
      case HARD_SIGMOID: {
        double a = n.attrFloat("alpha", 0.2f);
        double b = n.attrFloat("beta", 0.5f);
        if (a < 0) {
          return null;
        }
        return map(x, os, v -> Math.min(1, Math.max(0, a * v + b)));
      }
      case HARD_SWISH:
        return valley(x, os, -1.5, v -> v * Math.min(1, Math.max(0, v / 6 + 0.5)));
      case CLIP: {
        double mn = g.constant(n.input(1)).map(t -> t.doubles()[0]).orElse(-Double.MAX_VALUE);
        double mx = g.constant(n.input(2)).map(t -> t.doubles()[0]).orElse(Double.MAX_VALUE);
        return map(x, os, v -> Math.min(mx, Math.max(mn, v)));
      }
      case FLATTEN: case RESHAPE: case SQUEEZE: case UNSQUEEZE: case IDENTITY: case DROPOUT:
        return new Box(x.lo(), x.hi(), os);
      case GEMM: case MAT_MUL: case CONV:
        return LinearLayer.of(g, n).map(l -> linear(l, x, os)).orElse(null);
      case BATCH_NORMALIZATION:
        return batchNorm(g, n, x, os);
      case GLOBAL_AVERAGE_POOL: {
        int ch = (int) x.shape()[1];
        int per = x.lo().length / ch;
        double[] l = new double[ch];
        double[] h = new double[ch];
        for (int c = 0; c < ch; c++) {
          for (int i = 0; i < per; i++) {
            l[c] += x.lo()[c * per + i] / per;
            h[c] += x.hi()[c * per + i] / per;
          }
        }
        return new Box(l, h, os);
      }
      case ADD: case SUB: case MUL:
        return binary(g, n, boxes, os);
      default:
        return null;
    }
  }

  /**
   * Bounds of a function that falls up to {@code bottom} and rises after it: the least value is
   * at the point of the box nearest the bottom, the greatest at one of the box's ends.
   */
  private static Box valley(Box x, long[] os, double bottom,
      java.util.function.DoubleUnaryOperator f) {
    double[] l = new double[x.lo().length];
    double[] h = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = f.applyAsDouble(Math.min(x.hi()[i], Math.max(x.lo()[i], bottom)));
      h[i] = Math.max(f.applyAsDouble(x.lo()[i]), f.applyAsDouble(x.hi()[i]));
    }
    return new Box(l, h, os);
  }

  private static Box map(Box x, long[] os, java.util.function.DoubleUnaryOperator f) {
    double[] l = new double[x.lo().length];
    double[] h = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = f.applyAsDouble(x.lo()[i]);
      h[i] = f.applyAsDouble(x.hi()[i]);
    }
    return new Box(l, h, os);
  }

  private static Box linear(LinearLayer layer, Box x, long[] os) {
    int n = x.lo().length;
    double[] mid = new double[n];
    double[] rad = new double[n];
    for (int i = 0; i < n; i++) {
      mid[i] = (x.lo()[i] + x.hi()[i]) / 2;
      rad[i] = (x.hi()[i] - x.lo()[i]) / 2;
    }
    double[][] w = layer.weights();
    double[] b = layer.bias();
    double[] ym;
    double[] yr;
    if (layer.kind() == LinearLayer.Kind.CONV) {
      long[] xs = x.shape();
      Conv2d conv =
          new Conv2d(layer.node(), (int) xs[1], (int) xs[2], (int) xs[3], (int) os[2],
              (int) os[3], layer.kernel());
      ym = conv.apply(mid, w, b, false);
      yr = conv.apply(rad, w, null, true);
    } else {
      int in = w[0].length;
      int rows = n / in;
      int out = w.length;
      ym = new double[rows * out];
      yr = new double[rows * out];
      for (int r = 0; r < rows; r++) {
        for (int o = 0; o < out; o++) {
          double sm = b[o];
          double sr = 0;
          for (int j = 0; j < in; j++) {
            sm += w[o][j] * mid[r * in + j];
            sr += Math.abs(w[o][j]) * rad[r * in + j];
          }
          ym[r * out + o] = sm;
          yr[r * out + o] = sr;
        }
      }
    }
    double[] l = new double[ym.length];
    double[] h = new double[ym.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = ym[i] - yr[i];
      h[i] = ym[i] + yr[i];
    }
    return new Box(l, h, os);
  }

  private static Box batchNorm(Graph g, Node n, Box x, long[] os) {
    double[][] p = new double[4][];
    for (int i = 0; i < 4; i++) {
      Optional<TensorData> t = g.constant(n.input(i + 1));
      if (t.isEmpty()) {
        return null;
      }
      p[i] = t.get().doubles();
    }
    double eps = n.attrFloat("epsilon", 1e-5f);
    int ch = (int) x.shape()[1];
    int per = x.lo().length / ch;
    double[] l = new double[x.lo().length];
    double[] h = new double[l.length];
    for (int c = 0; c < ch; c++) {
      double s = p[0][c] / Math.sqrt(p[3][c] + eps);
      double t = p[1][c] - p[2][c] * s;
      for (int i = c * per; i < (c + 1) * per; i++) {
        double a = s * x.lo()[i] + t;
        double b = s * x.hi()[i] + t;
        l[i] = Math.min(a, b);
        h[i] = Math.max(a, b);
      }
    }
    return new Box(l, h, os);
  }

  private static Box binary(Graph g, Node n, Map<String, Box> boxes, long[] os) {
    Box a = operand(g, n.input(0), boxes);
    Box b = operand(g, n.input(1), boxes);
    if (a == null || b == null || a.lo().length != count(a.shape())
        || b.lo().length != count(b.shape())) {
      return null;
    }
    int size = (int) count(os);
    double[] l = new double[size];
    double[] h = new double[size];
    for (int i = 0; i < size; i++) {
      int ia = broadcastIndex(i, os, a.shape());
      int ib = broadcastIndex(i, os, b.shape());
      double al = a.lo()[ia];
      double ah = a.hi()[ia];
      double bl = b.lo()[ib];
      double bh = b.hi()[ib];
      switch (n.op()) {
        case ADD:
          l[i] = al + bl;
          h[i] = ah + bh;
          break;
        case SUB:
          l[i] = al - bh;
          h[i] = ah - bl;
          break;
        default: {
          double p1 = al * bl;
          double p2 = al * bh;
          double p3 = ah * bl;
          double p4 = ah * bh;
          l[i] = Math.min(Math.min(p1, p2), Math.min(p3, p4));
          h[i] = Math.max(Math.max(p1, p2), Math.max(p3, p4));
        }
      }
    }
    return new Box(l, h, os);
  }

  private static Box operand(Graph g, String t, Map<String, Box> boxes) {
    Box b = boxes.get(t);
    if (b != null) {
      return b;
    }
    return g.constant(t).map(c -> new Box(c.doubles(), c.doubles(), c.dims())).orElse(null);
  }

  /** The flat index into an operand of shape {@code s} broadcast to {@code out}. */
  static int broadcastIndex(int flat, long[] out, long[] s) {
    int idx = 0;
    int stride = 1;
    int rem = flat;
    int off = out.length - s.length;
    for (int ax = out.length - 1; ax >= 0; ax--) {
      int coord = (int) (rem % out[ax]);
      rem /= out[ax];
      int sa = ax - off;
      if (sa >= 0) {
        int dim = (int) s[sa];
        idx += (dim == 1 ? 0 : coord) * stride;
        stride *= dim;
      }
    }
    return idx;
  }

  static long count(long[] s) {
    long n = 1;
    for (long d : s) {
      n *= d;
    }
    return n;
  }
}
