package dev.graft.tflite;

import dev.graft.graph.Node;
import dev.graft.graph.TensorData;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.SubOptionsT;

/**
 * LayerNormalization decomposed into ops every LiteRT backend runs: y = (x - mean) ×
 * rsqrt(mean((x - mean)²) + ε) × γ + β, the means taken over the normalized axes.
 */
final class LayerNorm {
  private final Lowering l;

  LayerNorm(Lowering l) {
    this.l = l;
  }

  void lower(Node n) {
    String x = n.input(0);
    long[] d = l.dims(x);
    int rank = d.length;
    long axis = n.attrLong("axis", -1);
    int ax = (int) (axis < 0 ? axis + rank : axis);
    int[] id = Layout.identity(rank);
    int in = l.ensure(x, id);
    byte type = l.fm.get(in).type;
    int[] shape = l.fm.get(in).shape;
    int[] reduced = shape.clone();
    int[] axes = new int[rank - ax];
    for (int i = ax; i < rank; i++) {
      axes[i - ax] = i;
      reduced[i] = 1;
    }
    String p = n.name();
    int axesT = l.fm.intVector(p + "_axes", axes);
    boolean meanOut = n.outputs().size() > 1 && !n.output(1).isEmpty();
    boolean invOut = n.outputs().size() > 2 && !n.output(2).isEmpty();
    int mean = meanOut ? l.define(n.output(1), id) : l.fm.tensor(p + "_mean", type, reduced);
    mean(in, axesT, mean);
    int centered = l.fm.tensor(p + "_centered", type, shape);
    l.fm.op(BuiltinOperator.SUB, new int[] {in, mean}, new int[] {centered},
        BuiltinOptions.SubOptions, new SubOptionsT());
    int sq = l.fm.tensor(p + "_squared", type, shape);
    l.fm.op(BuiltinOperator.MUL, new int[] {centered, centered}, new int[] {sq},
        BuiltinOptions.MulOptions, new MulOptionsT());
    int var = l.fm.tensor(p + "_variance", type, reduced);
    mean(sq, axesT, var);
    int eps = l.fm.constFloats(p + "_epsilon", new int[0],
        new float[] {n.attrFloat("epsilon", 1e-5f)});
    int ve = l.fm.tensor(p + "_variance_eps", type, reduced);
    l.fm.op(BuiltinOperator.ADD, new int[] {var, eps}, new int[] {ve},
        BuiltinOptions.AddOptions, new AddOptionsT());
    int inv = invOut ? l.define(n.output(2), id) : l.fm.tensor(p + "_rsqrt", type, reduced);
    l.fm.op(BuiltinOperator.RSQRT, new int[] {ve}, new int[] {inv});
    int normed = l.fm.tensor(p + "_normalized", type, shape);
    l.fm.op(BuiltinOperator.MUL, new int[] {centered, inv}, new int[] {normed},
        BuiltinOptions.MulOptions, new MulOptionsT());
    TensorData gamma = l.constant(n.input(1)).orElseThrow(
        () -> Ops.unsupported(n, "with a scale computed at run time"));
    boolean hasBeta = !n.input(2).isEmpty();
    int scaled = hasBeta ? l.fm.tensor(p + "_scaled", type, shape) : l.define(n.output(0), id);
    l.fm.op(BuiltinOperator.MUL, new int[] {normed, l.constTensor(gamma, id)},
        new int[] {scaled}, BuiltinOptions.MulOptions, new MulOptionsT());
    if (hasBeta) {
      TensorData beta = l.constant(n.input(2)).orElseThrow(
          () -> Ops.unsupported(n, "with a bias computed at run time"));
      l.fm.op(BuiltinOperator.ADD, new int[] {scaled, l.constTensor(beta, id)},
          new int[] {l.define(n.output(0), id)}, BuiltinOptions.AddOptions, new AddOptionsT());
    }
  }

  private void mean(int in, int axes, int out) {
    ReducerOptionsT o = new ReducerOptionsT();
    o.setKeepDims(true);
    l.fm.op(BuiltinOperator.MEAN, new int[] {in, axes}, new int[] {out},
        BuiltinOptions.ReducerOptions, o);
  }
}
