package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import java.util.Arrays;
import java.util.List;

/**
 * The vector-Jacobian product of each supported operator: given the gradient flowing into a node's
 * output, emit the nodes computing the gradients of its inputs. Convolution lives in
 * {@link ConvGrad}.
 */
final class GradRules {
  private GradRules() {}

  static void backward(Node n, Autodiff.Context c) {
    GraphEmitter e = c.e;
    if (n.op() == Op.SPLIT) {
      split(n, c); // the gradient may reach any of its outputs, not only the first
      return;
    }
    String dy = c.grad(n.output(0));
    if (dy == null) {
      return;
    }
    if (GateGrads.SUPPORTED.contains(n.op())) {
      GateGrads.backward(n, c, dy);
      return;
    }
    String x = n.input(0);
    String y = n.output(0);
    switch (n.op()) {
      case IDENTITY:
        c.add(x, dy);
        return;
      case NEG:
        c.add(x, e.op(Op.NEG, List.of(dy)));
        return;
      case ADD: case SUB: {
        long[] sy = c.shape(y);
        String b = n.input(1);
        c.add(x, c.sumTo(dy, sy, c.shape(x)));
        if (c.wants(b)) {
          String g = n.op() == Op.SUB ? e.op(Op.NEG, List.of(dy)) : dy;
          c.add(b, c.sumTo(g, sy, c.shape(b)));
        }
        return;
      }
      case SUM:
        for (String in : n.inputs()) {
          if (c.wants(in)) {
            c.add(in, c.sumTo(dy, c.shape(y), c.shape(in)));
          }
        }
        return;
      case MUL: {
        String b = n.input(1);
        if (c.wants(x)) {
          c.add(x, c.sumTo(e.op(Op.MUL, List.of(dy, b)), c.shape(y), c.shape(x)));
        }
        if (c.wants(b)) {
          c.add(b, c.sumTo(e.op(Op.MUL, List.of(dy, x)), c.shape(y), c.shape(b)));
        }
        return;
      }
      case DIV: {
        String b = n.input(1);
        if (c.wants(x)) {
          c.add(x, c.sumTo(e.op(Op.DIV, List.of(dy, b)), c.shape(y), c.shape(x)));
        }
        if (c.wants(b)) {
          String t = e.op(Op.DIV, List.of(e.op(Op.MUL, List.of(dy, y)), b));
          c.add(b, c.sumTo(e.op(Op.NEG, List.of(t)), c.shape(y), c.shape(b)));
        }
        return;
      }
      case RELU: {
        // dy × (y > 0), which is dy × (x > 0): a multiply by the cast mask runs faster in ONNX
        // Runtime than Where, and reading the output leaves the Relu's input to the Relu alone,
        // so ONNX Runtime can fuse the Conv (and Add) before it into the Relu
        String pos = e.op(Op.GREATER, List.of(y, e.scalar(0.0)));
        String mask = e.op(Op.CAST, List.of(pos),
            Attribute.of("to", (long) e.floatType().onnxCode()));
        c.add(x, e.op(Op.MUL, List.of(dy, mask)));
        return;
      }
      case SIGMOID: {
        String oneMinus = e.op(Op.SUB, List.of(e.scalar(1.0), y));
        c.add(x, e.op(Op.MUL, List.of(dy, e.op(Op.MUL, List.of(y, oneMinus)))));
        return;
      }
      case TANH: {
        String sq = e.op(Op.MUL, List.of(y, y));
        c.add(x, e.op(Op.MUL, List.of(dy, e.op(Op.SUB, List.of(e.scalar(1.0), sq)))));
        return;
      }
      case EXP:
        c.add(x, e.op(Op.MUL, List.of(dy, y)));
        return;
      case LOG:
        c.add(x, e.op(Op.DIV, List.of(dy, x)));
        return;
      case SQRT:
        c.add(x, e.op(Op.DIV, List.of(e.op(Op.MUL, List.of(dy, e.scalar(0.5))), y)));
        return;
      case RECIPROCAL:
        c.add(x, e.op(Op.NEG, List.of(e.op(Op.MUL, List.of(dy, e.op(Op.MUL, List.of(y, y)))))));
        return;
      case ERF: {
        String sq = e.op(Op.MUL, List.of(x, x));
        String ex = e.op(Op.EXP, List.of(e.op(Op.NEG, List.of(sq))));
        String k = e.scalar(2.0 / Math.sqrt(Math.PI));
        c.add(x, e.op(Op.MUL, List.of(dy, e.op(Op.MUL, List.of(ex, k)))));
        return;
      }
      case SOFTMAX: {
        long axis = n.attrLong("axis", -1);
        String dot = e.op(Op.REDUCE_SUM, List.of(e.op(Op.MUL, List.of(dy, y)), e.longs(axis)),
            Attribute.of("keepdims", 1L));
        c.add(x, e.op(Op.MUL, List.of(y, e.op(Op.SUB, List.of(dy, dot)))));
        return;
      }
      case LAYER_NORMALIZATION:
        layerNorm(n, c, dy);
        return;
      case MAT_MUL:
        matmul(n, c, dy);
        return;
      case GEMM:
        gemm(n, c, dy);
        return;
      case CONV:
        ConvGrad.conv(n, c, dy);
        return;
      case RESHAPE: case FLATTEN: case SQUEEZE: case UNSQUEEZE:
        c.add(x, e.op(Op.RESHAPE, List.of(dy, e.longs(c.shape(x)))));
        return;
      case TRANSPOSE: {
        long[] perm = n.attrLongs("perm");
        int r = c.shape(x).length;
        long[] inv = new long[r];
        for (int i = 0; i < r; i++) {
          if (perm == null) {
            inv[i] = r - 1 - i;
          } else {
            inv[(int) perm[i]] = i;
          }
        }
        c.add(x, e.op(Op.TRANSPOSE, List.of(dy), Attribute.ints("perm", inv)));
        return;
      }
      case REDUCE_MEAN: case REDUCE_SUM:
        reduce(n, c, dy);
        return;
      case CONCAT:
        concat(n, c, dy);
        return;
      case SLICE:
        slice(n, c, dy);
        return;
      case GLOBAL_AVERAGE_POOL: {
        // y = mean over the spatial axes; dx = dy / area, spread over them.
        long[] sx = c.shape(x);
        long area = 1;
        for (int i = 2; i < sx.length; i++) {
          area *= sx[i];
        }
        String scaled = e.op(Op.MUL, List.of(dy, e.scalar(1.0 / area)));
        c.add(x, e.op(Op.EXPAND, List.of(scaled, e.longs(sx))));
        return;
      }
      default:
        throw GraftException.badInput(
            "node %s (%s): Graft cannot differentiate this operator; supported: %s",
            n.name(), n.op().onnxName(), supported());
    }
  }

  static String supported() {
    return "Add, Sub, Sum, Mul, Div, Neg, Identity, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, "
        + "Reciprocal, Erf, Softmax, LayerNormalization, MatMul, Gemm, Conv, Reshape, Flatten, "
        + "Squeeze, Unsqueeze, Transpose, ReduceMean, ReduceSum, Concat, Slice, Split, "
        + "GlobalAveragePool, HardSigmoid, HardSwish, Gelu, Clip, Where, Pow, Expand, Trilu, "
        + "Gather";
  }

  private static void layerNorm(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    long[] sx = c.shape(x);
    int axis = NdShapes.axis(n.attrLong("axis", -1), sx.length);
    long[] axes = new long[sx.length - axis];
    long count = 1;
    for (int i = axis; i < sx.length; i++) {
      axes[i - axis] = i;
      count *= sx[i];
    }
    String ax = e.longs(axes); // an input; the emitter makes it an attribute before opset 18
    Attribute keep = Attribute.of("keepdims", 1L);
    String mean = e.op(Op.REDUCE_MEAN, List.of(x, ax), keep);
    String xc = e.op(Op.SUB, List.of(x, mean));
    String var = e.op(Op.REDUCE_MEAN, List.of(e.op(Op.MUL, List.of(xc, xc)), ax), keep);
    double eps = n.attrFloat("epsilon", 1e-5f);
    String rstd = e.op(Op.RECIPROCAL,
        List.of(e.op(Op.SQRT, List.of(e.op(Op.ADD, List.of(var, e.scalar(eps)))))));
    String xhat = e.op(Op.MUL, List.of(xc, rstd));
    String scale = n.input(1);
    long[] sy = c.shape(n.output(0));
    if (c.wants(scale)) {
      c.add(scale, c.sumTo(e.op(Op.MUL, List.of(dy, xhat)), sy, c.shape(scale)));
    }
    String bias = n.input(2);
    if (c.wants(bias)) {
      c.add(bias, c.sumTo(dy, sy, c.shape(bias)));
    }
    if (c.wants(x)) {
      String dxhat = e.op(Op.MUL, List.of(dy, scale));
      String m1 = e.op(Op.REDUCE_MEAN, List.of(dxhat, ax), keep);
      String m2 = e.op(Op.REDUCE_MEAN, List.of(e.op(Op.MUL, List.of(dxhat, xhat)), ax), keep);
      String inner = e.op(Op.SUB, List.of(e.op(Op.SUB, List.of(dxhat, m1)),
          e.op(Op.MUL, List.of(xhat, m2))));
      c.add(x, e.op(Op.MUL, List.of(inner, rstd)));
    }
  }

  private static long[] swapLast(int rank) {
    long[] p = new long[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = i;
    }
    p[rank - 2] = rank - 1;
    p[rank - 1] = rank - 2;
    return p;
  }

  private static void matmul(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String a = n.input(0);
    String b = n.input(1);
    long[] sa = c.shape(a);
    long[] sb = c.shape(b);
    long[] sy = c.shape(n.output(0));
    if (sa.length < 2 || sb.length < 2) {
      throw GraftException.badInput("node %s (MatMul): autodiff needs inputs of rank 2 or more",
          n.name());
    }
    if (c.wants(a)) {
      String bt = e.op(Op.TRANSPOSE, List.of(b), Attribute.ints("perm", swapLast(sb.length)));
      long[] from = sy.clone();
      from[from.length - 1] = sb[sb.length - 2];
      c.add(a, c.sumTo(e.op(Op.MAT_MUL, List.of(dy, bt)), from, sa));
    }
    if (!c.wants(b)) {
      return;
    }
    if (sb.length == 2) {
      // A [..., M, K] with a plain matrix B: flatten the leading axes and use one Gemm.
      long k = sa[sa.length - 1];
      long nOut = sy[sy.length - 1];
      String a2 = e.op(Op.RESHAPE, List.of(a, e.longs(-1, k)));
      String d2 = e.op(Op.RESHAPE, List.of(dy, e.longs(-1, nOut)));
      c.add(b, e.op(Op.GEMM, List.of(a2, d2), Attribute.of("transA", 1L)));
      return;
    }
    String at = e.op(Op.TRANSPOSE, List.of(a), Attribute.ints("perm", swapLast(sa.length)));
    long[] from = sy.clone();
    from[from.length - 2] = sa[sa.length - 1];
    c.add(b, c.sumTo(e.op(Op.MAT_MUL, List.of(at, dy)), from, sb));
  }

  private static void gemm(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String a = n.input(0);
    String b = n.input(1);
    boolean ta = n.attrLong("transA", 0) != 0;
    boolean tb = n.attrLong("transB", 0) != 0;
    Attribute alpha = Attribute.of("alpha", n.attrFloat("alpha", 1f));
    if (c.wants(a)) {
      String g = !ta
          ? e.op(Op.GEMM, List.of(dy, b), alpha, Attribute.of("transB", tb ? 0L : 1L))
          : e.op(Op.GEMM, List.of(b, dy), alpha, Attribute.of("transA", tb ? 1L : 0L),
              Attribute.of("transB", 1L));
      c.add(a, g);
    }
    if (c.wants(b)) {
      String g = !tb
          ? e.op(Op.GEMM, List.of(a, dy), alpha, Attribute.of("transA", ta ? 0L : 1L))
          : e.op(Op.GEMM, List.of(dy, a), alpha, Attribute.of("transA", 1L),
              Attribute.of("transB", ta ? 1L : 0L));
      c.add(b, g);
    }
    String cIn = n.input(2);
    if (c.wants(cIn)) {
      String g = e.op(Op.MUL, List.of(dy, e.scalar(n.attrFloat("beta", 1f))));
      c.add(cIn, c.sumTo(g, c.shape(n.output(0)), c.shape(cIn)));
    }
  }

  private static long[] constLongs(Node n, Autodiff.Context c, int input, String what) {
    if (n.input(input).isEmpty()) {
      return null;
    }
    TensorData t = c.g.constant(n.input(input)).orElseThrow(() -> GraftException.badInput(
        "node %s (%s): autodiff needs constant %s", n.name(), n.op().onnxName(), what));
    return t.longs();
  }

  private static void reduce(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    long[] sx = c.shape(x);
    long[] axes = n.attrLongs("axes");
    if (axes == null) {
      axes = constLongs(n, c, 1, "axes");
    }
    long[] kept = sx.clone();
    long count = 1;
    for (int i = 0; i < sx.length; i++) {
      boolean reduced = axes == null || axes.length == 0;
      for (long a : axes == null ? new long[0] : axes) {
        reduced |= NdShapes.axis(a, sx.length) == i;
      }
      if (reduced) {
        kept[i] = 1;
        count *= sx[i];
      }
    }
    String g = e.op(Op.RESHAPE, List.of(dy, e.longs(kept)));
    if (n.op() == Op.REDUCE_MEAN) {
      g = e.op(Op.MUL, List.of(g, e.scalar(1.0 / count)));
    }
    c.add(x, e.op(Op.EXPAND, List.of(g, e.longs(sx))));
  }

  private static void concat(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    int rank = c.shape(n.output(0)).length;
    int axis = NdShapes.axis(n.attrLong("axis", 0), rank);
    long at = 0;
    for (String in : n.inputs()) {
      long size = c.shape(in)[axis];
      if (c.wants(in)) {
        c.add(in, e.op(Op.SLICE,
            List.of(dy, e.longs(at), e.longs(at + size), e.longs(axis))));
      }
      at += size;
    }
  }

  /** The outputs' gradients concatenated back, zeros for outputs the loss does not read. */
  private static void split(Node n, Autodiff.Context c) {
    GraphEmitter e = c.e;
    List<String> parts = new java.util.ArrayList<>();
    for (String o : n.outputs()) {
      String g = o.isEmpty() ? null : c.grad(o);
      if (g == null) {
        long[] s = c.shape(o);
        g = e.floats(s, new double[(int) NdShapes.count(s)]);
      }
      parts.add(g);
    }
    int axis = NdShapes.axis(n.attrLong("axis", 0), c.shape(n.input(0)).length);
    c.add(n.input(0), e.op(Op.CONCAT, parts, Attribute.of("axis", (long) axis)));
  }

  private static void slice(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    long[] sx = c.shape(x);
    long[] starts = constLongs(n, c, 1, "starts");
    long[] ends = constLongs(n, c, 2, "ends");
    long[] axes = constLongs(n, c, 3, "axes");
    long[] steps = constLongs(n, c, 4, "steps");
    if (steps != null && Arrays.stream(steps).anyMatch(s -> s != 1)) {
      throw GraftException.badInput("node %s (Slice): autodiff supports step 1 only", n.name());
    }
    long[] pads = new long[2 * sx.length];
    for (int i = 0; i < starts.length; i++) {
      int a = axes == null ? i : NdShapes.axis(axes[i], sx.length);
      long s = starts[i] < 0 ? starts[i] + sx[a] : starts[i];
      long t = ends[i] < 0 ? ends[i] + sx[a] : ends[i];
      s = Math.max(0, Math.min(sx[a], s));
      t = Math.max(s, Math.min(sx[a], t));
      pads[a] = s;
      pads[a + sx.length] = sx[a] - t;
    }
    c.add(x, e.op(Op.PAD, List.of(dy, e.longs(pads))));
  }
}
