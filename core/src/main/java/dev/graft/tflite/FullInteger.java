package dev.graft.tflite;

import dev.graft.quant.QuantParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.TensorType;

/**
 * Turns a float model whose filters are already int8 per channel into a full-integer one:
 * activations int8 with per-tensor asymmetric parameters from calibrated ranges, biases int32
 * at input scale × filter scale, other constants int8. Operators without int8 kernels run in
 * float between a DEQUANTIZE and a QUANTIZE; float inputs and outputs are kept at the boundary
 * with a QUANTIZE and a DEQUANTIZE, unless inputs and outputs are to be int8 themselves.
 */
final class FullInteger {
  /** Operators whose int8 output must share the parameters of their (first) input. */
  private static final Set<Integer> SAME_PARAMS = Set.of(
      BuiltinOperator.MAX_POOL_2D, BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.RESHAPE,
      BuiltinOperator.TRANSPOSE, BuiltinOperator.STRIDED_SLICE, BuiltinOperator.GATHER,
      BuiltinOperator.SPLIT_V, BuiltinOperator.PAD, BuiltinOperator.PADV2,
      BuiltinOperator.MIRROR_PAD, BuiltinOperator.BROADCAST_TO, BuiltinOperator.TILE,
      BuiltinOperator.RESIZE_BILINEAR, BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
      BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.SQUEEZE,
      BuiltinOperator.DEPTH_TO_SPACE, BuiltinOperator.SPACE_TO_DEPTH);
  /**
   * Operators whose int8 kernels take every input at the output's parameters: TFLite's
   * CONCATENATION fails to prepare otherwise (and LiteRT then computes nothing), MAXIMUM and
   * MINIMUM compare raw int8 values. Inputs held at other parameters are requantized first.
   */
  private static final Set<Integer> INPUTS_AT_OUTPUT_PARAMS = Set.of(
      BuiltinOperator.CONCATENATION, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM);
  /** Operators with int8 kernels in TFLite. */
  private static final Set<Integer> INT8 = Set.of(
      BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D,
      BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.ADD, BuiltinOperator.SUB,
      BuiltinOperator.MUL, BuiltinOperator.MEAN, BuiltinOperator.SUM, BuiltinOperator.REDUCE_MAX,
      BuiltinOperator.CONCATENATION, BuiltinOperator.SOFTMAX, BuiltinOperator.LOGISTIC,
      BuiltinOperator.TANH, BuiltinOperator.RELU, BuiltinOperator.RELU6,
      BuiltinOperator.RELU_N1_TO_1, BuiltinOperator.RELU_0_TO_1, BuiltinOperator.LEAKY_RELU,
      BuiltinOperator.GELU, BuiltinOperator.BATCH_MATMUL,
      BuiltinOperator.RSQRT, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.RESHAPE,
      BuiltinOperator.TRANSPOSE, BuiltinOperator.STRIDED_SLICE, BuiltinOperator.GATHER,
      BuiltinOperator.SPLIT_V, BuiltinOperator.PAD, BuiltinOperator.PADV2,
      BuiltinOperator.MIRROR_PAD, BuiltinOperator.BROADCAST_TO, BuiltinOperator.TILE,
      BuiltinOperator.RESIZE_BILINEAR, BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
      BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.DEPTH_TO_SPACE,
      BuiltinOperator.SPACE_TO_DEPTH);

  /**
   * Operators whose int8 kernel LiteRT's CPU path runs slower than the float32 one with a
   * DEQUANTIZE before and a QUANTIZE after it, so they run in float (listed as float layers).
   * HARD_SWISH: int8 is not delegated to XNNPACK, 0.33 ms against 0.056 ms in float32 on
   * [1, 16, 48, 48] (LiteRT.js 2.5.3, CPU time, fastest of 120 interleaved runs).
   */
  static final Map<Integer, String> FASTER_IN_FLOAT = Map.of(BuiltinOperator.HARD_SWISH,
      "float32 between DEQUANTIZE and QUANTIZE: LiteRT's int8 kernel for it is about 6x slower");

  /** Magnitudes from which a calibrated value is taken as an infinity (a mask's fill value). */
  static final float INFINITY_STAND_IN = 1e30f;

  private final FlatModel fm;
  private final QuantParams[] params;
  private final boolean int8Io;
  /** The operators left in float for speed, by the name of the value each computes. */
  private final Map<String, ConvertResult.FloatLayer> floatForSpeed = new LinkedHashMap<>();

  /** {@code int8Io}: int8 inputs and outputs stay int8 instead of getting float twins. */
  FullInteger(FlatModel fm, float[][] ranges, boolean int8Io) {
    this.fm = fm;
    this.int8Io = int8Io;
    this.params = new QuantParams[fm.tensorCount()];
    for (int t = 0; t < ranges.length; t++) {
      // only float activations of ordinary magnitude become int8: never masks (bool), indices,
      // or the -inf of a causal mask (or its finite stand-in), which run in float
      if (ranges[t] != null && fm.get(t).type == TensorType.FLOAT32
          && ordinary(ranges[t][0]) && ordinary(ranges[t][1])) {
        params[t] = QuantParams.asymmetric(ranges[t][0], ranges[t][1]);
      }
    }
  }

  /**
   * False for ±inf and for the finite values that stand in for them: PyTorch's causal masks
   * hold {@code torch.finfo(float32).min} (-3.4e38), and a range reaching it gets a scale near
   * 1e36 that LiteRT's int8 kernels cannot requantize from (running the file aborts).
   */
  static boolean ordinary(float v) {
    return Math.abs(v) < INFINITY_STAND_IN;
  }

  void apply() {
    List<OperatorT> ops = new ArrayList<>(fm.operators());
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      codes.add(fm.builtin(i));
    }
    for (int i = 0; i < ops.size(); i++) {
      constrain(codes.get(i), ops.get(i));
    }
    List<OperatorT> out = new ArrayList<>();
    List<Integer> outCodes = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      OperatorT op = ops.get(i);
      int code = codes.get(i);
      if (INT8.contains(code) && int8Operands(op)) {
        quantizeConstants(code, op);
        if (INPUTS_AT_OUTPUT_PARAMS.contains(code)) {
          requantizeInputs(op, out, outCodes);
        }
        out.add(op);
        outCodes.add(code);
        continue;
      }
      if (FASTER_IN_FLOAT.containsKey(code)) {
        String value = fm.get(op.getOutputs()[0]).name;
        floatForSpeed.put(value, new ConvertResult.FloatLayer(value, BuiltinOperator.name(code),
            FASTER_IN_FLOAT.get(code)));
      }
      int[] in = op.getInputs().clone();
      for (int k = 0; k < in.length; k++) {
        if (in[k] >= 0 && params[in[k]] != null) {
          int f = floatCopy(in[k], "_float");
          out.add(fm.makeOp(BuiltinOperator.DEQUANTIZE, new int[] {in[k]}, new int[] {f}));
          outCodes.add(BuiltinOperator.DEQUANTIZE);
          in[k] = f;
        }
      }
      int[] o = op.getOutputs().clone();
      List<int[]> requant = new ArrayList<>();
      for (int k = 0; k < o.length; k++) {
        if (params[o[k]] != null) {
          int f = floatCopy(o[k], "_float");
          requant.add(new int[] {f, o[k]});
          o[k] = f;
        }
      }
      op.setInputs(in);
      op.setOutputs(o);
      out.add(op);
      outCodes.add(code);
      for (int[] r : requant) {
        out.add(fm.makeOp(BuiltinOperator.QUANTIZE, new int[] {r[0]}, new int[] {r[1]}));
        outCodes.add(BuiltinOperator.QUANTIZE);
      }
    }
    for (int t = 0; t < params.length; t++) {
      if (params[t] != null && !fm.isConstant(t)) {
        setInt8(t, params[t]);
      }
    }
    if (!int8Io) {
      boundary(out, outCodes);
    }
    fm.setOps(out, outCodes);
  }

  /**
   * The operators {@link #apply()} left in float because LiteRT runs them faster so, by the
   * name of the (ONNX) value each computes (also their {@code layer} here).
   */
  Map<String, ConvertResult.FloatLayer> floatForSpeed() {
    return Map.copyOf(floatForSpeed);
  }

  /**
   * True when every float activation the op reads and writes has int8 parameters (integer
   * operands such as a GATHER's indices stay as they are).
   */
  private boolean int8Operands(OperatorT op) {
    for (int t : op.getInputs()) {
      if (t >= 0 && !fm.isConstant(t) && unquantized(t)) {
        return false;
      }
    }
    for (int t : op.getOutputs()) {
      if (unquantized(t)) {
        return false;
      }
    }
    return true;
  }

  private boolean unquantized(int t) {
    return fm.get(t).type == TensorType.FLOAT32 && params[t] == null;
  }

  private void constrain(int code, OperatorT op) {
    int[] in = op.getInputs();
    int[] o = op.getOutputs();
    if (SAME_PARAMS.contains(code) && params[in[0]] != null) {
      for (int t : o) {
        params[t] = params[in[0]];
      }
    } else if (code == BuiltinOperator.SOFTMAX || code == BuiltinOperator.LOGISTIC) {
      params[o[0]] = new QuantParams(1f / 256, -128);
    } else if (code == BuiltinOperator.TANH) {
      params[o[0]] = new QuantParams(1f / 128, 0);
    }
  }

  private void quantizeConstants(int code, OperatorT op) {
    int[] in = op.getInputs();
    boolean linear = code == BuiltinOperator.CONV_2D || code == BuiltinOperator.DEPTHWISE_CONV_2D
        || code == BuiltinOperator.FULLY_CONNECTED;
    for (int k = 0; k < in.length; k++) {
      int t = in[k];
      if (t < 0 || !fm.isConstant(t) || fm.get(t).type != TensorType.FLOAT32) {
        continue;
      }
      float[] v = floats(fm.data(t));
      if (linear && k == 2) {
        float sIn = params[in[0]].scale();
        float[] sw = fm.get(in[1]).quant.getScale();
        int[] q = new int[v.length];
        float[] scales = new float[v.length];
        for (int c = 0; c < v.length; c++) {
          scales[c] = sIn * sw[sw.length == 1 ? 0 : c];
          q[c] = (int) Math.round(v[c] / (double) scales[c]);
        }
        ByteBuffer b = ByteBuffer.allocate(q.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(q);
        fm.replaceData(t, TensorType.INT32, b.array());
        QuantizationParametersT p = new QuantizationParametersT();
        p.setScale(scales);
        p.setZeroPoint(new long[scales.length]);
        p.setQuantizedDimension(0);
        fm.get(t).quant = p;
      } else {
        QuantParams qp = QuantParams.of(v);
        if (INPUTS_AT_OUTPUT_PARAMS.contains(code) && params[op.getOutputs()[0]] != null) {
          qp = params[op.getOutputs()[0]];
        } else if (SAME_PARAMS.contains(code) && params[in[0]] != null) {
          qp = params[in[0]];
        }
        fm.replaceData(t, TensorType.INT8, qp.quantize(v));
        fm.get(t).quant = quant(qp);
      }
    }
  }

  /**
   * Gives {@code op} inputs at its output's parameters: each activation input held at other
   * parameters is passed through an int8-to-int8 QUANTIZE (a requantization) added to {@code
   * ops} before it.
   */
  private void requantizeInputs(OperatorT op, List<OperatorT> ops, List<Integer> codes) {
    QuantParams target = params[op.getOutputs()[0]];
    if (target == null) {
      return;
    }
    int[] in = op.getInputs().clone();
    for (int k = 0; k < in.length; k++) {
      int t = in[k];
      if (t < 0 || fm.isConstant(t) || params[t] == null || params[t].equals(target)) {
        continue;
      }
      int r = fm.tensor(fm.get(t).name + "_requantized", TensorType.INT8, fm.get(t).shape);
      fm.get(r).quant = quant(target);
      ops.add(fm.makeOp(BuiltinOperator.QUANTIZE, new int[] {t}, new int[] {r}));
      codes.add(BuiltinOperator.QUANTIZE);
      in[k] = r;
    }
    op.setInputs(in);
  }

  /** Float inputs and outputs at the boundary: QUANTIZE after each input, DEQUANTIZE at the end. */
  private void boundary(List<OperatorT> ops, List<Integer> codes) {
    List<Integer> ins = fm.inputs();
    for (int i = 0; i < ins.size(); i++) {
      int q = ins.get(i);
      if (fm.get(q).type != TensorType.INT8) {
        continue;
      }
      int f = renamedFloat(q);
      fm.get(q).quant = quant(params[q]);
      ins.set(i, f);
      ops.add(0, fm.makeOp(BuiltinOperator.QUANTIZE, new int[] {f}, new int[] {q}));
      codes.add(0, BuiltinOperator.QUANTIZE);
    }
    List<Integer> outs = fm.outputs();
    for (int i = 0; i < outs.size(); i++) {
      int q = outs.get(i);
      if (fm.get(q).type != TensorType.INT8) {
        continue;
      }
      int f = renamedFloat(q);
      outs.set(i, f);
      ops.add(fm.makeOp(BuiltinOperator.DEQUANTIZE, new int[] {q}, new int[] {f}));
      codes.add(BuiltinOperator.DEQUANTIZE);
    }
  }

  /** A float tensor that takes over the name of int8 tensor {@code t}, renamed *_int8. */
  private int renamedFloat(int t) {
    String name = fm.get(t).name;
    int f = floatCopy(t, "_float");
    fm.get(t).name = name + "_int8";
    fm.get(f).name = name;
    return f;
  }

  private int floatCopy(int t, String suffix) {
    return fm.tensor(fm.get(t).name + suffix, TensorType.FLOAT32, fm.get(t).shape);
  }

  private void setInt8(int t, QuantParams p) {
    fm.get(t).type = TensorType.INT8;
    fm.get(t).quant = quant(p);
  }

  private static QuantizationParametersT quant(QuantParams p) {
    QuantizationParametersT q = new QuantizationParametersT();
    q.setScale(new float[] {p.scale()});
    q.setZeroPoint(new long[] {p.zeroPoint()});
    return q;
  }

  private static float[] floats(byte[] data) {
    float[] v = new float[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
