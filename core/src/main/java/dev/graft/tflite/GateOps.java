package dev.graft.tflite;

import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.TensorType;

/**
 * Lowers the selecting and gating operators of attention and mobile nets: Where (SELECT_V2),
 * comparisons and logic, IsNaN (NOT_EQUAL of a tensor with itself), Trilu on a computed tensor
 * (SELECT_V2 with a constant triangle), HardSigmoid ({@code RELU_0_TO_1} after one
 * multiply-add; none when {@link ActivationPatterns} folded the multiply-add into the layer
 * before it), and an Erf that is not part of a GELU.
 */
final class GateOps {
  /** The operators this class lowers. */
  static final Set<Op> SUPPORTED = EnumSet.of(Op.WHERE, Op.EQUAL, Op.LESS, Op.GREATER, Op.AND,
      Op.NOT, Op.IS_NAN, Op.TRILU, Op.HARD_SIGMOID, Op.ERF);

  private final Lowering l;
  private final Ops ops;

  GateOps(Lowering l, Ops ops) {
    this.l = l;
    this.ops = ops;
  }

  void lower(Node n) {
    switch (n.op()) {
      case WHERE:
        ops.binary(n, BuiltinOperator.SELECT_V2, (byte) 0, false);
        return;
      case EQUAL:
        ops.binary(n, BuiltinOperator.EQUAL, (byte) 0, false);
        return;
      case LESS:
        ops.binary(n, BuiltinOperator.LESS, (byte) 0, false);
        return;
      case GREATER:
        ops.binary(n, BuiltinOperator.GREATER, (byte) 0, false);
        return;
      case AND:
        ops.binary(n, BuiltinOperator.LOGICAL_AND, (byte) 0, false);
        return;
      case NOT: {
        String x = n.input(0);
        int out = l.define(n.output(0), l.layoutOf(x));
        l.fm.op(BuiltinOperator.LOGICAL_NOT, new int[] {l.tensor(x)}, new int[] {out});
        return;
      }
      case IS_NAN: { // NaN is the one value not equal to itself
        String x = n.input(0);
        int in = l.tensor(x);
        int out = l.define(n.output(0), l.layoutOf(x));
        l.fm.op(BuiltinOperator.NOT_EQUAL, new int[] {in, in}, new int[] {out});
        return;
      }
      case TRILU:
        trilu(n);
        return;
      case HARD_SIGMOID:
        hardSigmoid(n);
        return;
      case ERF:
        erf(n);
        return;
      default:
        throw new IllegalArgumentException("not a gate operator: " + n.op());
    }
  }

  /** max(0, min(1, alpha x + beta)): MUL and ADD when needed, then RELU_0_TO_1. */
  private void hardSigmoid(Node n) {
    String x = n.input(0);
    int[] p = l.layoutOf(x);
    int cur = l.tensor(x);
    float alpha = n.attrFloat("alpha", 0.2f);
    float beta = n.attrFloat("beta", 0.5f);
    byte type = l.fm.get(cur).type;
    int[] shape = l.fm.get(cur).shape;
    if (alpha != 1f) {
      int a = l.fm.constFloats(n.name() + "_alpha", new int[0], new float[] {alpha});
      int t = l.fm.tensor(n.name() + "_scaled", type, shape);
      l.fm.op(BuiltinOperator.MUL, new int[] {cur, a}, new int[] {t},
          BuiltinOptions.MulOptions, new MulOptionsT());
      cur = t;
    }
    if (beta != 0f) {
      int b = l.fm.constFloats(n.name() + "_beta", new int[0], new float[] {beta});
      int t = l.fm.tensor(n.name() + "_shifted", type, shape);
      l.fm.op(BuiltinOperator.ADD, new int[] {cur, b}, new int[] {t},
          BuiltinOptions.AddOptions, new AddOptionsT());
      cur = t;
    }
    l.fm.op(BuiltinOperator.RELU_0_TO_1, new int[] {cur}, new int[] {l.define(n.output(0), p)});
  }

  /**
   * Erf on its own (inside GELU it is matched away by {@link GeluPattern}): Abramowitz and
   * Stegun's 7.1.26, {@code sign(x) (1 - t (a1 + t (a2 + ... + t a5)) exp(-x²))} with {@code t =
   * 1 / (1 + p |x|)}, absolute error below 1.5e-7; 20 elementwise ops.
   */
  private void erf(Node n) {
    String x = n.input(0);
    int in = l.tensor(x);
    byte type = l.fm.get(in).type;
    int[] shape = l.fm.get(in).shape;
    Step s = (op, a, b) -> {
      int t = l.fm.tensor(n.name() + "_erf" + l.fm.tensorCount(), type, shape);
      l.fm.op(op, b < 0 ? new int[] {a} : new int[] {a, b}, new int[] {t});
      return t;
    };
    int ax = s.apply(BuiltinOperator.ABS, in, -1);
    int t = s.apply(BuiltinOperator.DIV, c(n, 1f),
        s.apply(BuiltinOperator.ADD, s.apply(BuiltinOperator.MUL, ax, c(n, 0.3275911f)),
            c(n, 1f)));
    float[] a = {0.254829592f, -0.284496736f, 1.421413741f, -1.453152027f, 1.061405429f};
    int poly = s.apply(BuiltinOperator.MUL, t, c(n, a[4]));
    for (int k = 3; k >= 0; k--) {
      poly = s.apply(BuiltinOperator.MUL, t, s.apply(BuiltinOperator.ADD, poly, c(n, a[k])));
    }
    int gauss = s.apply(BuiltinOperator.EXP,
        s.apply(BuiltinOperator.NEG, s.apply(BuiltinOperator.MUL, in, in), -1), -1);
    int mag = s.apply(BuiltinOperator.SUB, c(n, 1f), s.apply(BuiltinOperator.MUL, poly, gauss));
    int out = l.define(n.output(0), l.layoutOf(x));
    l.fm.op(BuiltinOperator.MUL, new int[] {s.apply(BuiltinOperator.SIGN, in, -1), mag},
        new int[] {out});
  }

  /** One elementwise TFLite op on one or two tensors ({@code b < 0}: unary). */
  private interface Step {
    int apply(int builtin, int a, int b);
  }

  private int c(Node n, float v) {
    return l.fm.constFloats(n.name() + "_erf_c" + l.fm.tensorCount(), new int[0], new float[] {v});
  }

  /** Keeps the upper (or lower) triangle from diagonal k of the last two axes, zeros the rest. */
  private void trilu(Node n) {
    String x = n.input(0);
    long[] d = l.dims(x);
    if (d.length < 2) {
      throw Ops.unsupported(n, "on a tensor of rank " + d.length);
    }
    long k = 0;
    if (n.inputs().size() > 1 && !n.input(1).isEmpty()) {
      TensorData kd = l.constant(n.input(1)).orElseThrow(
          () -> Ops.unsupported(n, "with a diagonal computed at run time"));
      k = kd.longs()[0];
    }
    boolean upper = n.attrLong("upper", 1) != 0;
    int rows = (int) d[d.length - 2];
    int cols = (int) d[d.length - 1];
    byte[] mask = new byte[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        mask[i * cols + j] = (byte) ((upper ? j - i >= k : j - i <= k) ? 1 : 0);
      }
    }
    int keep = l.fm.constant(n.name() + "_keep", TensorType.BOOL, new int[] {rows, cols}, mask);
    int[] identity = Layout.identity(d.length);
    int in = l.ensure(x, identity);
    int zero = zero(n, l.dtype(x));
    int out = l.define(n.output(0), identity);
    l.fm.op(BuiltinOperator.SELECT_V2, new int[] {keep, in, zero}, new int[] {out});
  }

  private int zero(Node n, DType t) {
    if (t == DType.FLOAT) {
      return l.fm.constFloats(n.name() + "_zero", new int[0], new float[] {0f});
    }
    if (t == DType.BOOL) {
      return l.fm.constant(n.name() + "_zero", TensorType.BOOL, new int[0], new byte[1]);
    }
    byte[] z = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0).array();
    return l.fm.constant(n.name() + "_zero", TensorType.INT32, new int[0], z);
  }
}
