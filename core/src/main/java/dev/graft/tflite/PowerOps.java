package dev.graft.tflite;

import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import java.util.List;
import java.util.Optional;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.MulOptionsT;

/**
 * Powers and roots as RMSNorm and attention scaling export them, each as the TFLite op that has
 * fast (and int8) kernels: {@code Pow(x, 2)} as MUL(x, x), {@code Pow(x, ±0.5)} as SQRT or
 * RSQRT, {@code 1 / Sqrt(v)} (Reciprocal or Div) as one RSQRT, and a Div by a power of two as a
 * MUL by its reciprocal.
 */
final class PowerOps {
  private final Lowering l;

  PowerOps(Lowering l) {
    this.l = l;
  }

  /** Lowers a Pow with a constant scalar exponent it knows; false for any other Pow. */
  boolean pow(Node n) {
    Optional<TensorData> e = l.constant(n.input(1));
    if (e.isEmpty() || e.get().elementCount() != 1 || !e.get().type().isFloating()
        || l.dtype(n.input(0)) != DType.FLOAT) {
      return false;
    }
    float k = e.get().floats()[0];
    String x = n.input(0);
    int in = l.tensor(x);
    if (k == 2f) {
      int out = l.define(n.output(0), l.layoutOf(x));
      l.fm.op(BuiltinOperator.MUL, new int[] {in, in}, new int[] {out},
          BuiltinOptions.MulOptions, new MulOptionsT());
    } else if (k == 0.5f || k == -0.5f) {
      int out = l.define(n.output(0), l.layoutOf(x));
      l.fm.op(k > 0 ? BuiltinOperator.SQRT : BuiltinOperator.RSQRT, new int[] {in},
          new int[] {out});
    } else if (k == 1f) {
      l.bind(n.output(0), in, l.layoutOf(x));
    } else {
      return false;
    }
    return true;
  }

  /**
   * A Div by a scalar constant power of two (attention's 1/√d for d = 4^k) as a MUL by its exact
   * reciprocal, which has int8 kernels; false for any other Div.
   */
  boolean divByPowerOfTwo(Node n) {
    Optional<TensorData> c = l.constant(n.input(1));
    if (!l.has(n.input(0)) || l.dtype(n.input(0)) != DType.FLOAT || c.isEmpty()
        || c.get().elementCount() != 1 || !c.get().type().isFloating()) {
      return false;
    }
    float v = c.get().floats()[0];
    float inverse = 1f / v;
    if (v == 0f || !Float.isFinite(v) || Math.abs(v) != Math.scalb(1f, Math.getExponent(v))
        || inverse * v != 1f) {
      return false;
    }
    String x = n.input(0);
    int k = l.fm.constFloats(n.name() + "_inverse", new int[0], new float[] {inverse});
    int out = l.define(n.output(0), l.layoutOf(x));
    l.fm.op(BuiltinOperator.MUL, new int[] {l.tensor(x), k}, new int[] {out},
        BuiltinOptions.MulOptions, new MulOptionsT());
    return true;
  }

  /** SQRT, or one RSQRT when the root's only reader takes its reciprocal. */
  void sqrt(Node n) {
    String x = n.input(0);
    String root = n.output(0);
    List<Node> readers = l.g.consumers(root);
    String out = root;
    if (readers.size() == 1 && !l.g.outputNames().contains(root) && reciprocal(readers.get(0),
        root)) {
      out = readers.get(0).output(0);
      l.absorbed.add(readers.get(0));
    }
    int t = l.define(out, l.layoutOf(x));
    l.fm.op(out.equals(root) ? BuiltinOperator.SQRT : BuiltinOperator.RSQRT,
        new int[] {l.tensor(x)}, new int[] {t});
  }

  private boolean reciprocal(Node n, String of) {
    if (n.op() == Op.RECIPROCAL) {
      return true;
    }
    if (n.op() != Op.DIV || !n.input(1).equals(of)) {
      return false;
    }
    Optional<TensorData> one = l.constant(n.input(0));
    return one.isPresent() && one.get().elementCount() == 1 && one.get().type().isFloating()
        && one.get().floats()[0] == 1f;
  }
}
