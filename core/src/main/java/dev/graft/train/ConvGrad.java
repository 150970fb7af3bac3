package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradients of Conv: the input gradient is a ConvTranspose of the output gradient with the same
 * weights; the weight gradient is a Conv of the input (batch and channels swapped) with the output
 * gradient as kernel, strides and dilations exchanged; the bias gradient sums over all but the
 * channel axis. Explicit padding only; the weight gradient needs group 1 or a depthwise conv.
 */
final class ConvGrad {
  private ConvGrad() {}

  static void conv(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    String w = n.input(1);
    long[] sx = c.shape(x);
    long[] sw = c.shape(w);
    long[] sy = c.shape(n.output(0));
    int sp = sx.length - 2;
    if (!n.attrString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw GraftException.badInput("node %s (Conv): autodiff needs explicit pads, not auto_pad",
          n.name());
    }
    long group = n.attrLong("group", 1);
    long[] strides = NdShapes.orOnes(n.attrLongs("strides"), sp);
    long[] dil = NdShapes.orOnes(n.attrLongs("dilations"), sp);
    long[] pads = n.attrLongs("pads");
    if (pads == null) {
      pads = new long[2 * sp];
    }
    if (c.wants(x)) {
      long[] outPad = new long[sp];
      for (int i = 0; i < sp; i++) {
        long k = sw[i + 2];
        long made = (sy[i + 2] - 1) * strides[i] + (k - 1) * dil[i] + 1 - pads[i] - pads[i + sp];
        outPad[i] = sx[i + 2] - made;
      }
      c.add(x, e.op(Op.CONV_TRANSPOSE, List.of(dy, w), Attribute.ints("strides", strides),
          Attribute.ints("dilations", dil), Attribute.ints("pads", pads),
          Attribute.ints("output_padding", outPad), Attribute.of("group", group)));
    }
    if (c.wants(w)) {
      boolean depthwise = group == sx[1] && sw[0] == group && sw[1] == 1;
      if (group != 1 && !depthwise) {
        throw GraftException.badInput(
            "node %s (Conv): autodiff of grouped convolution weights (group %d) is supported"
                + " for plain and depthwise convolutions only", n.name(), group);
      }
      long[] swap = swap01(sx.length);
      String xt = e.op(Op.TRANSPOSE, List.of(x), Attribute.ints("perm", swap));
      String dyt = e.op(Op.TRANSPOSE, List.of(dy), Attribute.ints("perm", swap));
      String gw = depthwise ? depthwiseWeightGrad(c, xt, dyt, sx, sy, dil, strides, pads)
          : e.op(Op.CONV, List.of(xt, dyt), Attribute.ints("strides", dil),
              Attribute.ints("dilations", strides), Attribute.ints("pads", pads));
      // The result may reach past the kernel where the strides do not tile the input evenly.
      boolean larger = false;
      long[] got = new long[sp];
      for (int i = 0; i < sp; i++) {
        long span = sx[i + 2] + pads[i] + pads[i + sp] - ((sy[i + 2] - 1) * strides[i] + 1);
        got[i] = span / dil[i] + 1;
        larger |= got[i] != sw[i + 2];
      }
      if (larger) {
        List<Long> axes = new ArrayList<>();
        long[] zeros = new long[sp];
        long[] ends = new long[sp];
        for (int i = 0; i < sp; i++) {
          axes.add((long) i + 2);
          ends[i] = sw[i + 2];
        }
        gw = e.op(Op.SLICE, List.of(gw, e.longs(zeros), e.longs(ends),
            e.longs(axes.stream().mapToLong(Long::longValue).toArray())));
      }
      c.add(w, depthwise ? gw : e.op(Op.TRANSPOSE, List.of(gw), Attribute.ints("perm", swap)));
    }
    String b = n.input(2);
    if (c.wants(b)) {
      long[] axes = new long[sx.length - 1];
      axes[0] = 0;
      for (int i = 2; i < sx.length; i++) {
        axes[i - 1] = i;
      }
      c.add(b, e.op(Op.REDUCE_SUM, List.of(dy, e.longs(axes)), Attribute.of("keepdims", 0L)));
    }
  }

  /**
   * dW of a depthwise conv, [C, 1, k...]: every (channel, sample) pair is its own group of one
   * convolution of x by dy; the samples are then summed. {@code xt}, {@code dyt}: x and dy with
   * the batch and channel axes swapped.
   */
  private static String depthwiseWeightGrad(Autodiff.Context c, String xt, String dyt, long[] sx,
      long[] sy, long[] dil, long[] strides, long[] pads) {
    GraphEmitter e = c.e;
    long n = sx[0];
    long ch = sx[1];
    long[] xs = sx.clone();
    xs[0] = 1;
    xs[1] = ch * n;
    long[] ws = sy.clone();
    ws[0] = ch * n;
    ws[1] = 1;
    String g = e.op(Op.CONV, List.of(e.op(Op.RESHAPE, List.of(xt, e.longs(xs))),
        e.op(Op.RESHAPE, List.of(dyt, e.longs(ws)))), Attribute.of("group", ch * n),
        Attribute.ints("strides", dil), Attribute.ints("dilations", strides),
        Attribute.ints("pads", pads));
    long[] split = new long[sx.length];
    split[0] = ch;
    split[1] = n;
    // 0: the kernel axes keep their size (the result may reach past the kernel, cut later)
    return e.op(Op.REDUCE_SUM, List.of(e.op(Op.RESHAPE, List.of(g, e.longs(split))),
        e.longs(1)), Attribute.of("keepdims", 1L));
  }

  private static long[] swap01(int rank) {
    long[] p = new long[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = i;
    }
    p[0] = 1;
    p[1] = 0;
    return p;
  }
}
