package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import java.util.List;

/**
 * Gradients of Conv, in the graph forms that run fastest in ONNX Runtime (measured op by op by
 * {@code bench/run ConvOpBench}) and use plain ONNX operators only, so the same graph runs on the
 * CUDA provider:
 * <ul>
 *   <li>weight gradient of a 2-D convolution with group 1: im2col and one Gemm, see
 *       {@link ConvWeightGrad} — one Gather of the input positions each kernel tap meets, so a
 *       strided conv computes exactly the taps it needs;
 *   <li>input gradient at stride 1 and group 1: a Conv of the output gradient with the flipped,
 *       transposed kernel (ONNX Runtime's Conv uses every thread, its ConvTranspose does not),
 *       except on one thread where the input has fewer channels than the output; other strides
 *       and groups use ConvTranspose; on one thread a stride-1 conv with fewer output than input
 *       channels also runs forward as a ConvTranspose ({@link #forwardAsConvTranspose});
 *   <li>bias gradient: a sum over all but the channel axis.
 * </ul>
 * Explicit padding only. The weight gradient of other ranks is the older form (a Conv of the input
 * with batch and channels swapped against the output gradient as kernel); of a depthwise conv it
 * is one grouped Conv over (channel, sample) pairs summed over the samples; of other groups it is
 * refused.
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
    ConvWeightGrad.Geometry geo = new ConvWeightGrad.Geometry(sx, sw, sy,
        NdShapes.orOnes(n.attrLongs("strides"), sp), NdShapes.orOnes(n.attrLongs("dilations"), sp),
        n.attrLongs("pads") == null ? new long[2 * sp] : n.attrLongs("pads"),
        n.attrLong("group", 1));
    long[] flipPads = flipPads(geo);
    String flippedW = c.oneThread && flipPads != null && sx[1] > sw[0]
        ? forwardAsConvTranspose(c, n, geo, flipPads) : null;
    if (c.wants(x)) {
      c.add(x, inputGrad(e, dy, w, flippedW, geo, flipPads, c.oneThread));
    }
    if (c.wants(w)) {
      long group = geo.group();
      boolean depthwise = group == sx[1] && sw[0] == group && sw[1] == 1;
      if (group != 1 && !depthwise) {
        throw GraftException.badInput(
            "node %s (Conv): autodiff of grouped convolution weights (group %d) is supported"
                + " for plain and depthwise convolutions only", n.name(), group);
      }
      if (depthwise) {
        c.add(w, depthwiseWeightGrad(c, x, dy, geo));
      } else {
        c.add(w, sp == 2 ? ConvWeightGrad.im2col(c, x, dy, geo)
            : ConvWeightGrad.asConv(e, x, dy, geo));
      }
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
   * convolution of x by dy (batch and channel axes swapped, strides and dilations exchanged); the
   * samples are then summed, and the result cut to the kernel where the strides do not tile the
   * input evenly.
   */
  private static String depthwiseWeightGrad(Autodiff.Context c, String x, String dy,
      ConvWeightGrad.Geometry geo) {
    GraphEmitter e = c.e;
    long[] sx = geo.sx();
    long[] sy = geo.sy();
    long[] sw = geo.sw();
    int sp = sx.length - 2;
    long[] swap = swap01(sx.length);
    String xt = e.op(Op.TRANSPOSE, List.of(x), Attribute.ints("perm", swap));
    String dyt = e.op(Op.TRANSPOSE, List.of(dy), Attribute.ints("perm", swap));
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
        Attribute.ints("strides", geo.dil()), Attribute.ints("dilations", geo.strides()),
        Attribute.ints("pads", geo.pads()));
    long[] split = new long[sx.length];
    split[0] = ch;
    split[1] = n; // the zeros that follow keep the kernel axes' sizes
    String gw = e.op(Op.REDUCE_SUM, List.of(e.op(Op.RESHAPE, List.of(g, e.longs(split))),
        e.longs(1)), Attribute.of("keepdims", 1L));
    boolean larger = false;
    long[] zeros = new long[sp];
    long[] ends = new long[sp];
    long[] axes = new long[sp];
    for (int i = 0; i < sp; i++) {
      long span = sx[i + 2] + geo.pads()[i] + geo.pads()[i + sp]
          - ((sy[i + 2] - 1) * geo.strides()[i] + 1);
      larger |= span / geo.dil()[i] + 1 != sw[i + 2];
      axes[i] = i + 2;
      ends[i] = sw[i + 2];
    }
    return larger ? e.op(Op.SLICE, List.of(gw, e.longs(zeros), e.longs(ends), e.longs(axes)))
        : gw;
  }

  /**
   * The pads of the stride-1 convolution that undoes this one's geometry with the flipped kernel,
   * {@code dilation × (k - 1) - pad} on each side; null where there is none: another stride or
   * group, or a pad past the kernel's reach.
   */
  private static long[] flipPads(ConvWeightGrad.Geometry g) {
    int sp = g.sx().length - 2;
    long[] pads = new long[2 * sp];
    for (int i = 0; i < sp; i++) {
      long reach = g.dil()[i] * (g.sw()[i + 2] - 1);
      pads[i] = reach - g.pads()[i];
      pads[i + sp] = reach - g.pads()[i + sp];
      if (g.strides()[i] != 1 || pads[i] < 0 || pads[i + sp] < 0) {
        return null;
      }
    }
    return g.group() == 1 ? pads : null;
  }

  /** The kernel flipped in space with its two channel axes swapped: [C, O, k...]. */
  private static String flippedTransposed(GraphEmitter e, String w, long[] sw) {
    return e.op(Op.TRANSPOSE, List.of(flip(e, w, sw, sw.length - 2)),
        Attribute.ints("perm", swap01(sw.length)));
  }

  /**
   * On one thread, a conv that narrows its channels (C in, O out, C > O) runs forward as the
   * ConvTranspose of its input with the flipped, transposed kernel, the same values: ONNX
   * Runtime's Conv multiplies O rows per image, its ConvTranspose O·kh·kw rows, which runs
   * faster. The forward node is replaced where it stands; returns the flipped kernel, which the
   * input gradient reuses.
   */
  private static String forwardAsConvTranspose(Autodiff.Context c, Node n,
      ConvWeightGrad.Geometry g, long[] flipPads) {
    List<Node> nodes = c.b.nodes();
    int before = nodes.size();
    String flipped = flippedTransposed(c.e, n.input(1), g.sw());
    List<String> ins = n.inputs().size() > 2 && !n.input(2).isEmpty()
        ? List.of(n.input(0), flipped, n.input(2)) : List.of(n.input(0), flipped);
    c.e.opTo(n.output(0), Op.CONV_TRANSPOSE, ins, Attribute.ints("dilations", g.dil()),
        Attribute.ints("pads", flipPads));
    List<Node> emitted = new java.util.ArrayList<>(nodes.subList(before, nodes.size()));
    nodes.subList(before, nodes.size()).clear();
    int at = nodes.indexOf(n);
    nodes.remove(at);
    nodes.addAll(at, emitted);
    return flipped;
  }

  /**
   * dx: where {@link #flipPads} exist, a Conv of dy with the flipped, transposed kernel ({@code
   * flipped} where the forward made it already); otherwise a ConvTranspose. On {@code oneThread},
   * also a ConvTranspose where dx has fewer channels than dy: ONNX Runtime's Conv is then a
   * product of C rows per image and its ConvTranspose one of C·kh·kw rows, which runs faster;
   * ConvTranspose uses one thread only, so on several the Conv is kept.
   */
  private static String inputGrad(GraphEmitter e, String dy, String w, String flipped,
      ConvWeightGrad.Geometry g, long[] flipPads, boolean oneThread) {
    int sp = g.sx().length - 2;
    if (flipPads != null && !(oneThread && g.sx()[1] < g.sw()[0])) {
      String wt = flipped != null ? flipped : flippedTransposed(e, w, g.sw());
      return e.op(Op.CONV, List.of(dy, wt), Attribute.ints("dilations", g.dil()),
          Attribute.ints("pads", flipPads));
    }
    long[] outPad = new long[sp];
    for (int i = 0; i < sp; i++) {
      long k = g.sw()[i + 2];
      long made = (g.sy()[i + 2] - 1) * g.strides()[i] + (k - 1) * g.dil()[i] + 1 - g.pads()[i]
          - g.pads()[i + sp];
      outPad[i] = g.sx()[i + 2] - made;
    }
    return e.op(Op.CONV_TRANSPOSE, List.of(dy, w), Attribute.ints("strides", g.strides()),
        Attribute.ints("dilations", g.dil()), Attribute.ints("pads", g.pads()),
        Attribute.ints("output_padding", outPad), Attribute.of("group", g.group()));
  }

  /**
   * The kernel reversed along its {@code sp} spatial axes: a Slice of step −1 from opset 10 on,
   * before it (Slice takes no steps) a Gather of the reversed indices per axis.
   */
  private static String flip(GraphEmitter e, String w, long[] sw, int sp) {
    if (e.builder().opset() < 10) {
      String flipped = w;
      for (int i = 0; i < sp; i++) {
        long k = sw[i + 2];
        if (k > 1) {
          long[] reversed = new long[(int) k];
          for (int j = 0; j < k; j++) {
            reversed[j] = k - 1 - j;
          }
          flipped = e.op(Op.GATHER, List.of(flipped, e.longs(reversed)),
              Attribute.of("axis", (long) (i + 2)));
        }
      }
      return flipped;
    }
    long[] axes = new long[sp];
    long[] starts = new long[sp];
    long[] ends = new long[sp];
    long[] steps = new long[sp];
    for (int i = 0; i < sp; i++) {
      axes[i] = i + 2;
      starts[i] = -1;
      ends[i] = Long.MIN_VALUE;
      steps[i] = -1;
    }
    return e.op(Op.SLICE, List.of(w, e.longs(starts), e.longs(ends), e.longs(axes),
        e.longs(steps)));
  }

  static long[] swap01(int rank) {
    long[] p = new long[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = i;
    }
    p[0] = 1;
    p[1] = 0;
    return p;
  }
}
