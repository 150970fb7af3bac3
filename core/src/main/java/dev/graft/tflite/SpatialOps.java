package dev.graft.tflite;

import dev.graft.graph.Node;
import dev.graft.graph.TensorData;
import java.util.Arrays;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.MirrorPadOptionsT;
import org.tensorflow.lite.schema.MirrorPadMode;
import org.tensorflow.lite.schema.PadOptionsT;
import org.tensorflow.lite.schema.PadV2OptionsT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.ResizeBilinearOptionsT;
import org.tensorflow.lite.schema.ResizeNearestNeighborOptionsT;
import org.tensorflow.lite.schema.SplitVOptionsT;

/** Lowers 2-D convolutions, pooling, padding and resizing, all in NHWC. */
final class SpatialOps {
  private final Lowering l;

  SpatialOps(Lowering l) {
    this.l = l;
  }

  /** How TFLite pads a window op: SAME/VALID, plus explicit padding done by a PAD before it. */
  private record Pads(byte padding, int[] explicit) {}

  private Pads pads(Node n, long[] in, long[] out, long[] k, long[] s, long[] dil) {
    String auto = n.attrString("auto_pad", "NOTSET");
    long[] p = n.attrLongs("pads");
    int sp = k.length;
    if (p == null) {
      p = new long[2 * sp];
    }
    boolean same = true;
    boolean valid = true;
    int[] explicit = new int[2 * sp];
    for (int i = 0; i < sp; i++) {
      long eff = (k[i] - 1) * dil[i] + 1;
      long sameOut = (in[i] + s[i] - 1) / s[i];
      long total = Math.max((sameOut - 1) * s[i] + eff - in[i], 0);
      long begin = auto.equals("SAME_UPPER") ? total / 2
          : auto.equals("SAME_LOWER") ? total - total / 2 : p[i];
      long end = auto.equals("SAME_UPPER") ? total - total / 2
          : auto.equals("SAME_LOWER") ? total / 2 : p[i + sp];
      if (auto.equals("VALID")) {
        begin = 0;
        end = 0;
      }
      same &= begin == total / 2 && end == total - total / 2 && out[i] == sameOut;
      valid &= begin == 0 && out[i] == (in[i] - eff) / s[i] + 1;
      long needEnd = (out[i] - 1) * s[i] + eff - in[i] - begin;
      if (needEnd < 0 && end > 0) {
        needEnd = 0;
      }
      explicit[i] = (int) begin;
      explicit[i + sp] = (int) Math.max(needEnd, 0);
    }
    if (valid) {
      return new Pads(Padding.VALID, null);
    }
    if (same) {
      return new Pads(Padding.SAME, null);
    }
    return new Pads(Padding.VALID, explicit);
  }

  /** A PAD (or PADV2 with a fill value) of the spatial axes of an NHWC tensor. */
  private int padSpatial(String name, int x, int[] explicit, Float fill) {
    int sp = explicit.length / 2;
    int[] shape = l.fm.get(x).shape.clone();
    int[] paddings = new int[shape.length * 2];
    for (int i = 0; i < sp; i++) {
      paddings[2 * (i + 1)] = explicit[i];
      paddings[2 * (i + 1) + 1] = explicit[i + sp];
      shape[i + 1] += explicit[i] + explicit[i + sp];
    }
    int pt = l.fm.constInts(name + "_paddings", new int[] {shape.length, 2}, paddings);
    int out = l.fm.tensor(name + "_padded", l.fm.get(x).type, shape);
    if (fill == null) {
      l.fm.op(BuiltinOperator.PAD, new int[] {x, pt}, new int[] {out}, BuiltinOptions.PadOptions,
          new PadOptionsT());
    } else {
      int v = l.fm.constFloats(name + "_fill", new int[0], new float[] {fill});
      l.fm.op(BuiltinOperator.PADV2, new int[] {x, pt, v}, new int[] {out},
          BuiltinOptions.PadV2Options, new PadV2OptionsT());
    }
    return out;
  }

  private static long[] spatial(long[] d) {
    return Arrays.copyOfRange(d, 2, d.length);
  }

  private static long[] orOnes(long[] v, int n) {
    if (v != null) {
      return v;
    }
    long[] o = new long[n];
    Arrays.fill(o, 1);
    return o;
  }

  void conv(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    if (xd.length != 4) {
      throw Ops.unsupported(n, "of rank " + xd.length + " (only 2-D convolutions)");
    }
    TensorData w = l.constant(n.input(1)).orElseThrow(
        () -> Ops.unsupported(n, "with weights computed at run time"));
    long[] wd = w.dims();
    long group = n.attrLong("group", 1);
    int m = (int) wd[0];
    int cin = (int) xd[1];
    long[] k = {wd[2], wd[3]};
    long[] s = orOnes(n.attrLongs("strides"), 2);
    long[] dil = orOnes(n.attrLongs("dilations"), 2);
    long[] out = l.dims(n.output(0));
    boolean depthwise = group == cin && group > 1 && wd[1] == 1;
    float[] bias = n.input(2).isEmpty() ? new float[m]
        : l.constant(n.input(2)).orElseThrow(
            () -> Ops.unsupported(n, "with a bias computed at run time")).floats();
    Pads p = pads(n, spatial(xd), spatial(out), k, s, dil);
    int in = l.ensure(x, Layout.NHWC);
    if (p.explicit() != null) {
      in = padSpatial(n.name(), in, p.explicit(), null);
    }
    if (group > 1 && !depthwise) {
      groups(n, in, w, bias, (int) group, p.padding(), s, dil);
      return;
    }
    WeightWriter.Params params;
    if (depthwise) {
      // ONNX [M, 1, kH, kW] -> TFLite [1, kH, kW, M]
      params = l.weights.layer(n.name(), WeightWriter.LayerKind.DEPTHWISE, n.input(1) + "_dw",
          new int[] {1, (int) k[0], (int) k[1], m}, permuted(w, new int[] {1, 2, 3, 0}), 3,
          n.name() + "_bias", bias);
    } else {
      params = l.weights.layer(n.name(), WeightWriter.LayerKind.CONV, n.input(1) + "_ohwi",
          new int[] {m, (int) k[0], (int) k[1], (int) wd[1]},
          permuted(w, new int[] {0, 2, 3, 1}), 0, n.name() + "_bias", bias);
    }
    int filter = params.filter();
    int b = params.bias();
    Lowering.Fused f = l.fuseActivation(n);
    int o = l.define(f.output(), Layout.NHWC);
    if (depthwise) {
      DepthwiseConv2DOptionsT opt = new DepthwiseConv2DOptionsT();
      opt.setPadding(p.padding());
      opt.setStrideH((int) s[0]);
      opt.setStrideW((int) s[1]);
      opt.setDilationHFactor((int) dil[0]);
      opt.setDilationWFactor((int) dil[1]);
      opt.setDepthMultiplier(m / cin);
      opt.setFusedActivationFunction(f.activation());
      l.fm.op(BuiltinOperator.DEPTHWISE_CONV_2D, new int[] {in, filter, b}, new int[] {o},
          BuiltinOptions.DepthwiseConv2DOptions, opt);
    } else {
      l.fm.op(BuiltinOperator.CONV_2D, new int[] {in, filter, b}, new int[] {o},
          BuiltinOptions.Conv2DOptions, convOptions(p.padding(), s, dil, f.activation()));
    }
  }

  private static Conv2DOptionsT convOptions(byte padding, long[] s, long[] dil, byte activation) {
    Conv2DOptionsT opt = new Conv2DOptionsT();
    opt.setPadding(padding);
    opt.setStrideH((int) s[0]);
    opt.setStrideW((int) s[1]);
    opt.setDilationHFactor((int) dil[0]);
    opt.setDilationWFactor((int) dil[1]);
    opt.setFusedActivationFunction(activation);
    return opt;
  }

  /**
   * A grouped convolution (1 < groups, not depthwise) as a SPLIT_V of the channels, one CONV_2D
   * per group and a CONCATENATION: plain convolutions that every TFLite kernel and delegate runs
   * (TFLite's own grouped CONV_2D runs in its reference kernel only, and GPU delegates refuse
   * it). The activation is fused into each group's convolution.
   */
  private void groups(Node n, int in, TensorData w, float[] bias, int g, byte padding, long[] s,
      long[] dil) {
    long[] wd = w.dims();
    int m = (int) wd[0];
    int cg = (int) wd[1];
    int kh = (int) wd[2];
    int kw = (int) wd[3];
    int mg = m / g;
    FlatModel.Tensor x = l.fm.get(in);
    int[] partShape = x.shape.clone();
    partShape[3] = cg;
    int[] parts = new int[g];
    int[] sizes = new int[g];
    for (int j = 0; j < g; j++) {
      parts[j] = l.fm.tensor(n.name() + "_in_group" + j, x.type, partShape);
      sizes[j] = cg;
    }
    SplitVOptionsT split = new SplitVOptionsT();
    split.setNumSplits(g);
    l.fm.op(BuiltinOperator.SPLIT_V, new int[] {in, l.fm.intVector(n.name() + "_group_sizes",
        sizes), l.fm.constInts(n.name() + "_group_axis", new int[0], new int[] {3})}, parts,
        BuiltinOptions.SplitVOptions, split);
    Lowering.Fused f = l.fuseActivation(n);
    int o = l.define(f.output(), Layout.NHWC);
    int[] outShape = l.fm.get(o).shape.clone();
    outShape[3] = mg;
    float[] ohwi = permuted(w, new int[] {0, 2, 3, 1});
    int per = mg * kh * kw * cg;
    int[] outs = new int[g];
    for (int j = 0; j < g; j++) {
      WeightWriter.Params params = l.weights.layer(n.name() + "_group" + j,
          WeightWriter.LayerKind.CONV, n.input(1) + "_ohwi_group" + j,
          new int[] {mg, kh, kw, cg}, Arrays.copyOfRange(ohwi, j * per, (j + 1) * per), 0,
          n.name() + "_bias_group" + j, Arrays.copyOfRange(bias, j * mg, (j + 1) * mg));
      outs[j] = l.fm.tensor(n.name() + "_out_group" + j, l.fm.get(o).type, outShape);
      l.fm.op(BuiltinOperator.CONV_2D, new int[] {parts[j], params.filter(), params.bias()},
          new int[] {outs[j]}, BuiltinOptions.Conv2DOptions,
          convOptions(padding, s, dil, f.activation()));
    }
    ConcatenationOptionsT concat = new ConcatenationOptionsT();
    concat.setAxis(3);
    l.fm.op(BuiltinOperator.CONCATENATION, outs, new int[] {o},
        BuiltinOptions.ConcatenationOptions, concat);
  }

  private static float[] permuted(TensorData w, int[] perm) {
    byte[] data = Layout.permute(w.raw(), w.dims(), perm, 4);
    float[] t = new float[data.length / 4];
    java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(t);
    return t;
  }

  void pool(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    boolean max = n.op() == dev.graft.graph.Op.MAX_POOL;
    if (xd.length != 4) {
      throw Ops.unsupported(n, "of rank " + xd.length + " (only 2-D pooling)");
    }
    if (n.outputs().size() > 1 && !n.output(1).isEmpty()) {
      throw Ops.unsupported(n, "with an indices output");
    }
    long[] k = n.attrLongs("kernel_shape");
    long[] s = orOnes(n.attrLongs("strides"), 2);
    long[] dil = orOnes(n.attrLongs("dilations"), 2);
    if (dil[0] != 1 || dil[1] != 1) {
      throw Ops.unsupported(n, "with dilations");
    }
    Pads p = pads(n, spatial(xd), spatial(l.dims(n.output(0))), k, s, dil);
    int in = l.ensure(x, Layout.NHWC);
    byte padding = p.padding();
    boolean anyPad = p.explicit() != null && Arrays.stream(p.explicit()).anyMatch(v -> v != 0);
    if (!max && n.attrLong("count_include_pad", 0) != 0 && padding == Padding.SAME) {
      long[] pp = n.attrLongs("pads");
      boolean padded = pp != null && Arrays.stream(pp).anyMatch(v -> v != 0)
          || n.attrString("auto_pad", "NOTSET").startsWith("SAME");
      if (padded) {
        throw Ops.unsupported(n, "with count_include_pad=1 and SAME padding");
      }
    }
    if (anyPad) {
      if (!max && n.attrLong("count_include_pad", 0) == 0) {
        throw Ops.unsupported(n, "with explicit padding that excludes the pad from the average");
      }
      in = padSpatial(n.name(), in, p.explicit(), max ? -3.4028235e38f : null);
    }
    Lowering.Fused f = l.fuseActivation(n);
    int o = l.define(f.output(), Layout.NHWC);
    Pool2DOptionsT opt = new Pool2DOptionsT();
    opt.setPadding(padding);
    opt.setStrideH((int) s[0]);
    opt.setStrideW((int) s[1]);
    opt.setFilterHeight((int) k[0]);
    opt.setFilterWidth((int) k[1]);
    opt.setFusedActivationFunction(f.activation());
    l.fm.op(max ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D,
        new int[] {in}, new int[] {o}, BuiltinOptions.Pool2DOptions, opt);
  }

  void globalPool(Node n) {
    int rank = l.dims(n.input(0)).length;
    long[] axes = new long[rank - 2];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 2;
    }
    boolean max = n.op() == dev.graft.graph.Op.GLOBAL_MAX_POOL;
    new Ops(l).reduceAxes(n.input(0), n.output(0), axes, true,
        max ? BuiltinOperator.REDUCE_MAX : BuiltinOperator.MEAN);
  }

  void pad(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    int rank = xd.length;
    long[] pads = n.attrLongs("pads");
    if (pads == null) {
      pads = l.constant(n.input(1)).orElseThrow(
          () -> Ops.unsupported(n, "with pads computed at run time")).longs();
    }
    long[] axes = null;
    if (!n.input(3).isEmpty()) {
      axes = l.constant(n.input(3)).orElseThrow(
          () -> Ops.unsupported(n, "with axes computed at run time")).longs();
    }
    float value = n.attrFloat("value", 0f);
    if (!n.input(2).isEmpty()) {
      value = l.constant(n.input(2)).orElseThrow(
          () -> Ops.unsupported(n, "with a fill value computed at run time")).floats()[0];
    }
    String mode = n.attrString("mode", "constant");
    int[] p = l.layoutOf(x);
    int count = axes == null ? rank : axes.length;
    int[] paddings = new int[rank * 2];
    for (int i = 0; i < count; i++) {
      int a = (int) (axes == null ? i : (axes[i] < 0 ? axes[i] + rank : axes[i]));
      int j = Layout.physicalAxis(p, a);
      paddings[2 * j] = (int) pads[i];
      paddings[2 * j + 1] = (int) pads[i + count];
      if (pads[i] < 0 || pads[i + count] < 0) {
        throw Ops.unsupported(n, "with negative pads");
      }
    }
    int pt = l.fm.constInts(n.name() + "_paddings", new int[] {rank, 2}, paddings);
    int in = l.tensor(x);
    int out = l.define(n.output(0), p);
    switch (mode) {
      case "constant":
        if (value == 0f) {
          l.fm.op(BuiltinOperator.PAD, new int[] {in, pt}, new int[] {out},
              BuiltinOptions.PadOptions, new PadOptionsT());
        } else {
          int v = l.fm.constFloats(n.name() + "_value", new int[0], new float[] {value});
          l.fm.op(BuiltinOperator.PADV2, new int[] {in, pt, v}, new int[] {out},
              BuiltinOptions.PadV2Options, new PadV2OptionsT());
        }
        return;
      case "reflect": {
        MirrorPadOptionsT o = new MirrorPadOptionsT();
        o.setMode(MirrorPadMode.REFLECT);
        l.fm.op(BuiltinOperator.MIRROR_PAD, new int[] {in, pt}, new int[] {out},
            BuiltinOptions.MirrorPadOptions, o);
        return;
      }
      default:
        throw Ops.unsupported(n, "with mode " + mode);
    }
  }

  void resize(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    long[] od = l.dims(n.output(0));
    if (xd.length != 4 || xd[0] != od[0] || xd[1] != od[1]) {
      throw Ops.unsupported(n, "other than over the two spatial axes of an NCHW tensor");
    }
    String mode = n.attrString("mode", "nearest");
    String ct = n.attrString("coordinate_transformation_mode", "half_pixel");
    if (l.g.opset() < 11) {
      ct = "asymmetric";
    }
    String scalesName = n.inputs().size() == 2 ? n.input(1) : n.input(2);
    float[] scales = l.constant(scalesName).map(TensorData::floats).orElse(new float[0]);
    for (int i = 2; i < scales.length && n.input(3).isEmpty(); i++) {
      if (Math.abs(xd[i] * (double) scales[i] - od[i]) > 1e-6) {
        throw Ops.unsupported(n, "with scale " + scales[i] + " that does not give a whole size");
      }
    }
    int in = l.ensure(x, Layout.NHWC);
    int size = l.fm.intVector(n.name() + "_size", (int) od[2], (int) od[3]);
    int out = l.define(n.output(0), Layout.NHWC);
    boolean align = ct.equals("align_corners");
    if (ct.equals("pytorch_half_pixel") && (od[2] == 1 || od[3] == 1)) {
      throw Ops.unsupported(n, "with pytorch_half_pixel to a size of 1");
    }
    boolean half = ct.equals("half_pixel") || ct.equals("pytorch_half_pixel");
    if (!align && !half && !ct.equals("asymmetric")) {
      throw Ops.unsupported(n, "with coordinate_transformation_mode " + ct);
    }
    if (mode.equals("nearest")) {
      String nm = n.attrString("nearest_mode", "round_prefer_floor");
      boolean ok = (ct.equals("asymmetric") && nm.equals("floor"))
          || (half && nm.equals("round_prefer_ceil")) || (align && nm.equals("round_prefer_ceil"))
          || l.g.opset() < 11;
      if (!ok) {
        throw Ops.unsupported(n, "with nearest_mode " + nm + " and " + ct);
      }
      ResizeNearestNeighborOptionsT o = new ResizeNearestNeighborOptionsT();
      o.setAlignCorners(align);
      o.setHalfPixelCenters(half);
      l.fm.op(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, new int[] {in, size}, new int[] {out},
          BuiltinOptions.ResizeNearestNeighborOptions, o);
    } else if (mode.equals("linear") || mode.equals("bilinear")) {
      ResizeBilinearOptionsT o = new ResizeBilinearOptionsT();
      o.setAlignCorners(align);
      o.setHalfPixelCenters(half);
      l.fm.op(BuiltinOperator.RESIZE_BILINEAR, new int[] {in, size}, new int[] {out},
          BuiltinOptions.ResizeBilinearOptions, o);
    } else {
      throw Ops.unsupported(n, "with mode " + mode);
    }
  }
}
