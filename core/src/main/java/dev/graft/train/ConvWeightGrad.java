package dev.graft.train;

import dev.graft.graph.Attribute;
import dev.graft.graph.Op;
import java.util.List;

/**
 * Weight gradients of a group-1 Conv. For 2-D: im2col and one Gemm. The input goes to
 * [C, H·W, N] (with one row of zeros after it where a tap reaches into the padding); one Gather
 * of the positions each kernel tap meets (with the conv's strides: exactly those) makes the
 * [C·kh·kw, Ho·Wo·N] patch matrix P, whose copied blocks are runs of N floats. With dy as
 * [Ho·Wo·N, O], {@code dW = P dy} is one Gemm of inner size N·Ho·Wo; its [C, kh, kw, O] result
 * goes back to [O, C, kh, kw].
 */
final class ConvWeightGrad {
  private ConvWeightGrad() {}

  /** Shapes and attributes of one Conv, pads as [begins..., ends...]. */
  record Geometry(long[] sx, long[] sw, long[] sy, long[] strides, long[] dil, long[] pads,
      long group) {}

  static String im2col(Autodiff.Context ctx, String x, String dy, Geometry g) {
    GraphEmitter e = ctx.e;
    long n = g.sx()[0];
    long c = g.sx()[1];
    long o = g.sw()[0];
    long kh = g.sw()[2];
    long kw = g.sw()[3];
    long ho = g.sy()[2];
    long wo = g.sy()[3];
    long[] p = g.pads();
    long h = g.sx()[2];
    long w = g.sx()[3];
    // convs that read the same input (a block's first conv and its downsampling one) share it
    String rows = ctx.once("x-rows/" + x, () -> e.op(Op.RESHAPE, List.of(e.op(Op.TRANSPOSE,
        List.of(x), Attribute.ints("perm", 1, 2, 3, 0)), e.longs(c, h * w, n))));
    long[] idx = new long[(int) (kh * kw * ho * wo)];
    boolean padded = false;
    int at = 0;
    for (long i = 0; i < kh; i++) {
      for (long j = 0; j < kw; j++) {
        for (long y = 0; y < ho; y++) {
          for (long z = 0; z < wo; z++) {
            long r = y * g.strides()[0] + i * g.dil()[0] - p[0];
            long q = z * g.strides()[1] + j * g.dil()[1] - p[1];
            boolean inside = r >= 0 && r < h && q >= 0 && q < w;
            padded |= !inside;
            idx[at++] = inside ? r * w + q : h * w;
          }
        }
      }
    }
    if (padded) {
      // taps in the padding read one row of zeros after the input's H·W positions: a copy of
      // large blocks, cheaper than padding the transposed input
      rows = e.op(Op.CONCAT, List.of(rows, e.floats(new long[] {c, 1, n},
          new double[(int) (c * n)])), Attribute.of("axis", 1L));
    }
    String indices = e.fresh("taps");
    e.builder().initializer(dev.graft.graph.TensorData.ofLongs(indices,
        new long[] {kh * kw, ho * wo}, idx));
    String patches = e.op(Op.GATHER, List.of(rows, indices), Attribute.of("axis", 1L));
    String pm = e.op(Op.RESHAPE, List.of(patches, e.longs(c * kh * kw, ho * wo * n)));
    // [N, O, Ho·Wo] → [Ho·Wo, N, O]: ONNX Runtime does not merge adjacent axes, and this 3-axis
    // form of the same permutation runs about 15× faster than the 4-axis (2, 3, 0, 1) one. Convs
    // whose outputs are summed (a block's last conv and its downsampling one) share it.
    String dm = ctx.once("dy-rows/" + dy, () -> e.op(Op.RESHAPE, List.of(e.op(Op.TRANSPOSE,
        List.of(e.op(Op.RESHAPE, List.of(dy, e.longs(n, o, ho * wo)))),
        Attribute.ints("perm", 2, 0, 1)), e.longs(ho * wo * n, o))));
    String gw = e.op(Op.GEMM, List.of(pm, dm));
    String g4 = e.op(Op.RESHAPE, List.of(gw, e.longs(c, kh, kw, o)));
    return e.op(Op.TRANSPOSE, List.of(g4), Attribute.ints("perm", 3, 0, 1, 2));
  }

  /**
   * Any rank: a Conv of the input with batch and channels swapped against the output gradient as
   * kernel, strides and dilations exchanged, sliced to the kernel where the strides do not tile
   * the input evenly.
   */
  static String asConv(GraphEmitter e, String x, String dy, Geometry g) {
    int sp = g.sx().length - 2;
    long[] swap = ConvGrad.swap01(g.sx().length);
    String xt = e.op(Op.TRANSPOSE, List.of(x), Attribute.ints("perm", swap));
    String dyt = e.op(Op.TRANSPOSE, List.of(dy), Attribute.ints("perm", swap));
    String gw = e.op(Op.CONV, List.of(xt, dyt), Attribute.ints("strides", g.dil()),
        Attribute.ints("dilations", g.strides()), Attribute.ints("pads", g.pads()));
    boolean larger = false;
    long[] zeros = new long[sp];
    long[] ends = new long[sp];
    long[] axes = new long[sp];
    for (int i = 0; i < sp; i++) {
      long span = g.sx()[i + 2] + g.pads()[i] + g.pads()[i + sp]
          - ((g.sy()[i + 2] - 1) * g.strides()[i] + 1);
      larger |= span / g.dil()[i] + 1 != g.sw()[i + 2];
      ends[i] = g.sw()[i + 2];
      axes[i] = i + 2;
    }
    if (larger) {
      gw = e.op(Op.SLICE, List.of(gw, e.longs(zeros), e.longs(ends), e.longs(axes)));
    }
    return e.op(Op.TRANSPOSE, List.of(gw), Attribute.ints("perm", swap));
  }
}
