package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BatchMatMulOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.CastOptionsT;
import org.tensorflow.lite.schema.DivOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.GeluOptionsT;
import org.tensorflow.lite.schema.LeakyReluOptionsT;
import org.tensorflow.lite.schema.LogSoftmaxOptionsT;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;
import org.tensorflow.lite.schema.SubOptionsT;

/** Lowers one ONNX node at a time: elementwise, activations, linear layers, reductions. */
final class Ops {
  /** The ONNX operators Graft writes to TFLite. */
  static final Set<Op> SUPPORTED = withGates(EnumSet.of(
      Op.CONV, Op.BATCH_NORMALIZATION, Op.LAYER_NORMALIZATION, Op.MAX_POOL, Op.AVERAGE_POOL,
      Op.GLOBAL_AVERAGE_POOL, Op.GLOBAL_MAX_POOL, Op.GEMM, Op.MAT_MUL, Op.ADD, Op.SUB, Op.MUL,
      Op.DIV, Op.POW, Op.MIN, Op.MAX, Op.RELU, Op.LEAKY_RELU, Op.CLIP, Op.SIGMOID, Op.HARD_SWISH,
      Op.TANH, Op.GELU, Op.EXP, Op.LOG, Op.SQRT, Op.RECIPROCAL, Op.NEG, Op.ABS, Op.SOFTMAX,
      Op.LOG_SOFTMAX, Op.IDENTITY, Op.DROPOUT, Op.CAST, Op.REDUCE_MEAN, Op.REDUCE_SUM,
      Op.REDUCE_MAX, Op.RESHAPE, Op.FLATTEN, Op.TRANSPOSE, Op.CONCAT, Op.SPLIT, Op.SLICE,
      Op.GATHER, Op.UNSQUEEZE, Op.SQUEEZE, Op.PAD, Op.RESIZE, Op.CONSTANT, Op.SHAPE, Op.EXPAND,
      Op.TILE, Op.DEPTH_TO_SPACE, Op.SPACE_TO_DEPTH, Op.GATHER_ND, Op.GATHER_ELEMENTS));

  private static Set<Op> withGates(Set<Op> ops) {
    ops.addAll(GateOps.SUPPORTED);
    return ops;
  }

  private final Lowering l;
  private final SpatialOps spatial;
  private final ShapeOps shapes;
  private final GateOps gates;
  private final PowerOps powers;

  Ops(Lowering l) {
    this.l = l;
    this.spatial = new SpatialOps(l);
    this.shapes = new ShapeOps(l);
    this.gates = new GateOps(l, this);
    this.powers = new PowerOps(l);
  }

  void lower(Node n) {
    if (GateOps.SUPPORTED.contains(n.op())) {
      gates.lower(n);
      return;
    }
    switch (n.op()) {
      case CONSTANT:
        return;
      case CONV:
        spatial.conv(n);
        return;
      case MAX_POOL:
      case AVERAGE_POOL:
        spatial.pool(n);
        return;
      case GLOBAL_AVERAGE_POOL:
      case GLOBAL_MAX_POOL:
        spatial.globalPool(n);
        return;
      case PAD:
        spatial.pad(n);
        return;
      case RESIZE:
        spatial.resize(n);
        return;
      case DEPTH_TO_SPACE:
      case SPACE_TO_DEPTH:
        new DepthSpaceOps(l).lower(n);
        return;
      case GATHER_ND:
      case GATHER_ELEMENTS:
        new GatherNdOps(l).lower(n);
        return;
      case BATCH_NORMALIZATION:
        batchNorm(n);
        return;
      case LAYER_NORMALIZATION:
        new LayerNorm(l).lower(n);
        return;
      case GEMM:
      case MAT_MUL:
        linear(n);
        return;
      case ADD:
        binary(n, BuiltinOperator.ADD, BuiltinOptions.AddOptions, true);
        return;
      case SUB:
        binary(n, BuiltinOperator.SUB, BuiltinOptions.SubOptions, true);
        return;
      case MUL:
        binary(n, BuiltinOperator.MUL, BuiltinOptions.MulOptions, true);
        return;
      case DIV:
        if (!powers.divByPowerOfTwo(n)) {
          binary(n, BuiltinOperator.DIV, BuiltinOptions.DivOptions, true);
        }
        return;
      case POW:
        if (n.inputs().stream().anyMatch(i -> l.dtype(i) != DType.FLOAT)) {
          throw unsupported(n, "on non-float operands");
        }
        if (!powers.pow(n)) {
          binary(n, BuiltinOperator.POW, (byte) 0, false);
        }
        return;
      case MIN:
      case MAX:
        if (n.inputs().size() != 2) {
          throw unsupported(n, "with " + n.inputs().size() + " inputs (only 2)");
        }
        binary(n, n.op() == Op.MIN ? BuiltinOperator.MINIMUM : BuiltinOperator.MAXIMUM,
            (byte) 0, false);
        return;
      case RELU:
        unary(n, BuiltinOperator.RELU, (byte) 0, null);
        return;
      case SIGMOID:
        unary(n, BuiltinOperator.LOGISTIC, (byte) 0, null);
        return;
      case TANH:
        unary(n, BuiltinOperator.TANH, (byte) 0, null);
        return;
      case HARD_SWISH:
        unary(n, BuiltinOperator.HARD_SWISH, (byte) 0, null);
        return;
      case EXP:
        unary(n, BuiltinOperator.EXP, (byte) 0, null);
        return;
      case LOG:
        unary(n, BuiltinOperator.LOG, (byte) 0, null);
        return;
      case SQRT:
        powers.sqrt(n);
        return;
      case NEG:
        unary(n, BuiltinOperator.NEG, (byte) 0, null);
        return;
      case ABS:
        unary(n, BuiltinOperator.ABS, (byte) 0, null);
        return;
      case GELU: {
        GeluOptionsT o = new GeluOptionsT();
        o.setApproximate("tanh".equals(n.attrString("approximate", "none")));
        unary(n, BuiltinOperator.GELU, BuiltinOptions.GeluOptions, o);
        return;
      }
      case LEAKY_RELU: {
        LeakyReluOptionsT o = new LeakyReluOptionsT();
        o.setAlpha(n.attrFloat("alpha", 0.01f));
        unary(n, BuiltinOperator.LEAKY_RELU, BuiltinOptions.LeakyReluOptions, o);
        return;
      }
      case CLIP:
        clip(n);
        return;
      case RECIPROCAL: {
        int x = l.tensor(n.input(0));
        int one = l.fm.constFloats(n.name() + "_one", new int[0], new float[] {1f});
        int out = l.define(n.output(0), l.layoutOf(n.input(0)));
        l.fm.op(BuiltinOperator.DIV, new int[] {one, x}, new int[] {out},
            BuiltinOptions.DivOptions, new DivOptionsT());
        return;
      }
      case SOFTMAX:
      case LOG_SOFTMAX:
        softmax(n);
        return;
      case IDENTITY:
      case DROPOUT:
        if (n.op() == Op.DROPOUT && Prepare.training(l.g, n)) {
          throw unsupported(n, "in training mode");
        }
        l.bind(n.output(0), l.tensor(n.input(0)), l.layoutOf(n.input(0)));
        return;
      case CAST:
        cast(n);
        return;
      case REDUCE_MEAN:
        reduce(n, BuiltinOperator.MEAN);
        return;
      case REDUCE_SUM:
        reduce(n, BuiltinOperator.SUM);
        return;
      case REDUCE_MAX:
        reduce(n, BuiltinOperator.REDUCE_MAX);
        return;
      default:
        shapes.lower(n);
    }
  }

  /**
   * Where the inputs of a binary op are held in different layouts, one that every input of its
   * rank already has (held so, or copied so for another consumer) costs no TRANSPOSE: a
   * transformer's residual stream held as NHWC and copied to ONNX's order for its LayerNorm meets
   * the attention's output there (MobileViT: 36 TRANSPOSEs fewer).
   */
  private int[] sharedLayout(Node n, int rank, int[] target) {
    List<String> full = new ArrayList<>();
    for (String in : n.inputs()) {
      if (l.has(in) && l.dims(in).length == rank) {
        full.add(in);
      }
    }
    if (full.stream().allMatch(in -> l.heldIn(in, target))) {
      return target;
    }
    for (String in : full) {
      int[] p = l.layoutOf(in);
      if (full.stream().allMatch(o -> l.heldIn(o, p))) {
        return p;
      }
    }
    return target;
  }

  static GraftException unsupported(Node n, String why) {
    return GraftException.badInput("node %s (%s) %s cannot be written to TFLite", n.name(),
        n.op().onnxName(), why);
  }

  private void unary(Node n, int builtin, byte optType, Object opts) {
    String x = n.input(0);
    int in = l.tensor(x);
    int out = l.define(n.output(0), l.layoutOf(x));
    l.fm.op(builtin, new int[] {in}, new int[] {out}, optType, opts);
  }

  private void clip(Node n) {
    float[] r = l.clipRange(n);
    if (r == null) {
      throw unsupported(n, "with bounds computed at run time");
    }
    if (r[0] == 0f && r[1] == 6f) {
      unary(n, BuiltinOperator.RELU6, (byte) 0, null);
    } else if (r[0] == 0f && r[1] == 1f) {
      unary(n, BuiltinOperator.RELU_0_TO_1, (byte) 0, null);
    } else if (r[0] == 0f && r[1] == Float.POSITIVE_INFINITY) {
      unary(n, BuiltinOperator.RELU, (byte) 0, null);
    } else if (r[0] == -1f && r[1] == 1f) {
      unary(n, BuiltinOperator.RELU_N1_TO_1, (byte) 0, null);
    } else {
      String x = n.input(0);
      int[] p = l.layoutOf(x);
      int cur = l.tensor(x);
      int[] shape = l.fm.get(cur).shape;
      if (r[0] != Float.NEGATIVE_INFINITY) {
        int lo = l.fm.constFloats(n.name() + "_min", new int[0], new float[] {r[0]});
        int t = r[1] == Float.POSITIVE_INFINITY ? l.define(n.output(0), p)
            : l.fm.tensor(n.name() + "_lower", l.fm.get(cur).type, shape);
        l.fm.op(BuiltinOperator.MAXIMUM, new int[] {cur, lo}, new int[] {t});
        cur = t;
      }
      if (r[1] != Float.POSITIVE_INFINITY) {
        int hi = l.fm.constFloats(n.name() + "_max", new int[0], new float[] {r[1]});
        l.fm.op(BuiltinOperator.MINIMUM, new int[] {cur, hi},
            new int[] {l.define(n.output(0), p)});
      }
    }
  }

  /** Elementwise op with numpy broadcasting; constants are laid out like the other operand. */
  void binary(Node n, int builtin, byte optType, boolean fusable) {
    int rank = l.dims(n.output(0)).length;
    int[] target = null;
    for (String in : n.inputs()) {
      if (l.has(in) && l.dims(in).length == rank) {
        target = l.layoutOf(in);
        break;
      }
    }
    boolean permuted = target != null && !Layout.isIdentity(target);
    for (String in : n.inputs()) {
      if (l.has(in) && l.dims(in).length != rank && permuted) {
        target = null;
      }
    }
    if (target == null) {
      target = Layout.identity(rank);
    }
    target = sharedLayout(n, rank, target);
    int[] ins = new int[n.inputs().size()];
    for (int i = 0; i < ins.length; i++) {
      String in = n.input(i);
      if (l.has(in)) {
        ins[i] = l.dims(in).length == rank ? l.ensure(in, target)
            : l.ensure(in, Layout.identity(l.dims(in).length));
      } else {
        ins[i] = l.constTensor(l.constant(in).orElseThrow(), target);
      }
    }
    Lowering.Fused f = fusable ? l.fuseActivation(n)
        : new Lowering.Fused(ActivationFunctionType.NONE, n.output(0));
    int out = l.define(f.output(), target);
    Object opts = null;
    switch (builtin) {
      case BuiltinOperator.ADD: {
        AddOptionsT o = new AddOptionsT();
        o.setFusedActivationFunction(f.activation());
        opts = o;
        break;
      }
      case BuiltinOperator.SUB: {
        SubOptionsT o = new SubOptionsT();
        o.setFusedActivationFunction(f.activation());
        opts = o;
        break;
      }
      case BuiltinOperator.MUL: {
        MulOptionsT o = new MulOptionsT();
        o.setFusedActivationFunction(f.activation());
        opts = o;
        break;
      }
      case BuiltinOperator.DIV: {
        DivOptionsT o = new DivOptionsT();
        o.setFusedActivationFunction(f.activation());
        opts = o;
        break;
      }
      default:
        break;
    }
    l.fm.op(builtin, ins, new int[] {out}, optType, opts);
  }

  private void batchNorm(Node n) {
    if (n.outputs().size() > 1 && n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
      throw unsupported(n, "in training mode");
    }
    float[][] p = new float[4][];
    for (int i = 0; i < 4; i++) {
      p[i] = l.constant(n.input(i + 1)).orElseThrow(
          () -> unsupported(n, "with parameters computed at run time")).floats();
    }
    int c = p[0].length;
    float eps = n.attrFloat("epsilon", 1e-5f);
    float[] scale = new float[c];
    float[] shift = new float[c];
    for (int i = 0; i < c; i++) {
      scale[i] = (float) (p[0][i] / Math.sqrt(p[3][i] + (double) eps));
      shift[i] = p[1][i] - p[2][i] * scale[i];
    }
    String x = n.input(0);
    int rank = l.dims(x).length;
    long[] d = new long[rank];
    java.util.Arrays.fill(d, 1);
    d[1] = c;
    int[] layout = l.layoutOf(x);
    int s = l.constTensor(TensorData.ofFloats(n.name() + "_scale", d, scale), layout);
    int t = l.constTensor(TensorData.ofFloats(n.name() + "_shift", d, shift), layout);
    int mid = l.fm.tensor(n.name() + "_scaled", l.fm.get(l.tensor(x)).type,
        l.fm.get(l.tensor(x)).shape);
    l.fm.op(BuiltinOperator.MUL, new int[] {l.tensor(x), s}, new int[] {mid},
        BuiltinOptions.MulOptions, new MulOptionsT());
    Lowering.Fused f = l.fuseActivation(n);
    AddOptionsT o = new AddOptionsT();
    o.setFusedActivationFunction(f.activation());
    l.fm.op(BuiltinOperator.ADD, new int[] {mid, t}, new int[] {l.define(f.output(), layout)},
        BuiltinOptions.AddOptions, o);
  }

  /** Gemm and MatMul: FULLY_CONNECTED with constant weights, else BATCH_MATMUL. */
  private void linear(Node n) {
    String a = n.input(0);
    Optional<TensorData> b = l.constant(n.input(1));
    boolean gemm = n.op() == Op.GEMM;
    if (gemm && n.attrLong("transA", 0) != 0) {
      throw unsupported(n, "with transA=1");
    }
    if (b.isEmpty() || b.get().rank() != 2) {
      if (gemm) {
        throw unsupported(n, "with weights computed at run time");
      }
      int ia = l.ensure(a, Layout.identity(l.dims(a).length));
      int ib = l.ensure(n.input(1), Layout.identity(l.dims(n.input(1)).length));
      int out = l.define(n.output(0), Layout.identity(l.dims(n.output(0)).length));
      l.fm.op(BuiltinOperator.BATCH_MATMUL, new int[] {ia, ib}, new int[] {out},
          BuiltinOptions.BatchMatMulOptions, new BatchMatMulOptionsT());
      return;
    }
    long[] bd = b.get().dims();
    boolean transB = gemm && n.attrLong("transB", 0) != 0;
    int k = (int) (transB ? bd[1] : bd[0]);
    int units = (int) (transB ? bd[0] : bd[1]);
    float alpha = gemm ? n.attrFloat("alpha", 1f) : 1f;
    float[] bv = b.get().floats();
    int[] order = l.flatOrders.get(a);
    float[] w = new float[units * k];
    for (int o = 0; o < units; o++) {
      for (int q = 0; q < k; q++) {
        int src = order == null ? q : order[q];
        w[o * k + q] = alpha * (transB ? bv[o * k + src] : bv[src * units + o]);
      }
    }
    float[] bb = null;
    if (gemm && !n.input(2).isEmpty()) {
      TensorData c = l.constant(n.input(2)).orElseThrow(
          () -> unsupported(n, "with a bias computed at run time"));
      if (c.elementCount() != units && c.elementCount() != 1) {
        throw unsupported(n, "with a bias of shape " + java.util.Arrays.toString(c.dims()));
      }
      float beta = n.attrFloat("beta", 1f);
      float[] cv = c.floats();
      bb = new float[units];
      for (int i = 0; i < units; i++) {
        bb[i] = beta * (cv.length == 1 ? cv[0] : cv[i]);
      }
    }
    WeightWriter.Params params = l.weights.layer(n.name(), WeightWriter.LayerKind.FULLY_CONNECTED,
        n.input(1) + "_fc", new int[] {units, k}, w, 0, n.input(2) + "_bias", bb);
    int weights = params.filter();
    int bias = params.bias();
    int in = order != null ? l.tensor(a) : l.ensure(a, Layout.identity(l.dims(a).length));
    Lowering.Fused f = l.fuseActivation(n);
    int outRank = l.dims(n.output(0)).length;
    int out = l.define(f.output(), Layout.identity(outRank));
    FullyConnectedOptionsT o = new FullyConnectedOptionsT();
    o.setFusedActivationFunction(f.activation());
    o.setKeepNumDims(outRank > 2);
    l.fm.op(BuiltinOperator.FULLY_CONNECTED, new int[] {in, weights, bias}, new int[] {out},
        BuiltinOptions.FullyConnectedOptions, o);
  }

  private void softmax(Node n) {
    String x = n.input(0);
    long[] d = l.dims(x);
    int rank = d.length;
    long axis = n.attrLong("axis", l.g.opset() >= 13 ? -1 : 1);
    int ax = (int) (axis < 0 ? axis + rank : axis);
    boolean coerced = l.g.opset() < 13 && ax != rank - 1;
    for (int i = ax; coerced && i < rank - 1; i++) {
      coerced = d[i] == 1;
    }
    coerced = l.g.opset() < 13 && ax != rank - 1 && !coerced;
    if (coerced) {
      // opset < 13 normalizes the flattened trailing axes [axis, rank) together
      int[] id = Layout.identity(rank);
      int in = l.ensure(x, id);
      long outer = 1;
      for (int i = 0; i < ax; i++) {
        outer *= d[i];
      }
      int[] flat = {(int) outer, (int) (NdArrayCount.of(d) / outer)};
      int t = l.fm.tensor(n.name() + "_2d", l.fm.get(in).type, flat);
      l.reshape(in, t, flat);
      int s = l.fm.tensor(n.name() + "_2d_out", l.fm.get(in).type, flat);
      softmaxOp(n, t, s);
      int out = l.define(n.output(0), id);
      l.reshape(s, out, l.fm.get(out).shape);
      return;
    }
    if (l.g.opset() < 13) {
      ax = rank - 1;
    }
    int[] p = l.layoutOf(x);
    if (p[rank - 1] != ax) {
      p = new int[rank];
      for (int i = 0, k = 0; i < rank; i++) {
        if (i != ax) {
          p[k++] = i;
        }
      }
      p[rank - 1] = ax;
    }
    int in = l.ensure(x, p);
    softmaxOp(n, in, l.define(n.output(0), p));
  }

  private void softmaxOp(Node n, int in, int out) {
    if (n.op() == Op.SOFTMAX) {
      SoftmaxOptionsT o = new SoftmaxOptionsT();
      o.setBeta(1f);
      l.fm.op(BuiltinOperator.SOFTMAX, new int[] {in}, new int[] {out},
          BuiltinOptions.SoftmaxOptions, o);
    } else {
      l.fm.op(BuiltinOperator.LOG_SOFTMAX, new int[] {in}, new int[] {out},
          BuiltinOptions.LogSoftmaxOptions, new LogSoftmaxOptionsT());
    }
  }

  /** Element counts of static shapes. */
  private static final class NdArrayCount {
    static long of(long[] d) {
      long n = 1;
      for (long v : d) {
        n *= v;
      }
      return n;
    }
  }

  private void cast(Node n) {
    String x = n.input(0);
    DType from = l.dtype(x);
    DType to = l.dtype(n.output(0));
    Set<DType> castable = EnumSet.of(DType.FLOAT, DType.INT32, DType.INT64, DType.BOOL,
        DType.INT8, DType.UINT8);
    if (!castable.contains(from) || !castable.contains(to)) {
      throw unsupported(n, "from " + from + " to " + to);
    }
    byte tf = Lowering.tflType(from, x);
    byte tt = Lowering.tflType(to, n.output(0));
    if (tf == tt) {
      l.bind(n.output(0), l.tensor(x), l.layoutOf(x));
      return;
    }
    CastOptionsT o = new CastOptionsT();
    o.setInDataType(tf);
    o.setOutDataType(tt);
    int out = l.define(n.output(0), l.layoutOf(x));
    l.fm.op(BuiltinOperator.CAST, new int[] {l.tensor(x)}, new int[] {out},
        BuiltinOptions.CastOptions, o);
  }

  void reduce(Node n, int builtin) {
    String x = n.input(0);
    int rank = l.dims(x).length;
    long[] axes = n.attrLongs("axes");
    if (axes == null && !n.input(1).isEmpty()) {
      axes = l.constant(n.input(1)).orElseThrow(
          () -> unsupported(n, "with axes computed at run time")).longs();
    }
    boolean keep = n.attrLong("keepdims", 1) != 0;
    if (axes == null || axes.length == 0) {
      if (n.attrLong("noop_with_empty_axes", 0) != 0) {
        l.bind(n.output(0), l.tensor(x), l.layoutOf(x));
        return;
      }
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    reduceAxes(x, n.output(0), axes, keep, builtin);
  }

  void reduceAxes(String x, String output, long[] axes, boolean keep, int builtin) {
    int rank = l.dims(x).length;
    int[] p = l.layoutOf(x);
    boolean[] dropped = new boolean[rank];
    List<Integer> phys = new ArrayList<>();
    for (long a : axes) {
      int ax = (int) (a < 0 ? a + rank : a);
      dropped[ax] = true;
      phys.add(Layout.physicalAxis(p, ax));
    }
    int axisTensor = l.fm.intVector(output + "_axes",
        phys.stream().sorted().mapToInt(Integer::intValue).toArray());
    int out = l.define(output, keep ? p : Layout.drop(p, dropped));
    ReducerOptionsT o = new ReducerOptionsT();
    o.setKeepDims(keep);
    l.fm.op(builtin, new int[] {l.tensor(x), axisTensor}, new int[] {out},
        BuiltinOptions.ReducerOptions, o);
  }
}
