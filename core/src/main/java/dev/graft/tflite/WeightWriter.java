package dev.graft.tflite;

import dev.graft.graph.Half;
import dev.graft.quant.Int8Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.TensorType;

/**
 * Writes float constants at the requested precision, choosing per layer what LiteRT's CPU path
 * (the XNNPACK delegate) runs at full speed. Measured in LiteRT.js 2.5.3 (docs/tflite.md):
 *
 * <ul>
 *   <li>XNNPACK folds a DEQUANTIZE of a constant when it loads the model, so a layer whose
 *       parameters are dequantized runs the float32 kernel at float32 speed, but only for the
 *       combinations fp16 filter with fp16 bias, and int8 filter with float32 bias. An fp16
 *       filter beside a float32 bias (or an int8 one beside an fp16 bias) is not delegated: the
 *       layer runs in TFLite's reference kernel, about 7× slower.
 *   <li>Hybrid kernels (float input, int8 filter) are faster than float32 for fully connected
 *       layers, slower for convolutions (1.15–1.6× on UltraFace and MobileNetV2) and far slower
 *       for depthwise ones (not delegated).
 * </ul>
 *
 * <p>Hence fp16: a conv, depthwise or fully connected layer has both filter and bias in fp16,
 * each followed by a DEQUANTIZE, unless fp16 would round its bias by more than its whole filter
 * ({@link #biasLosesMore}): then both stay float32. Other constants of 64 elements or more are
 * fp16 too.
 * int8-dynamic: fully connected filters int8 per output channel (hybrid kernels); conv and
 * depthwise filters int8 per output channel followed by a DEQUANTIZE, float32 biases, so that
 * they run the float32 kernels ({@link #keptFloat()} lists them). int8: every filter is int8 per
 * output channel, for the full-integer kernels.
 */
final class WeightWriter {
  /** Constants smaller than this stay fp32 in fp16 mode unless they are layer parameters. */
  static final int FP16_MIN_ELEMENTS = 64;

  /** The kind of a layer whose parameters are written; LiteRT's fast kernels differ by kind. */
  enum LayerKind {
    CONV("CONV_2D"),
    DEPTHWISE("DEPTHWISE_CONV_2D"),
    FULLY_CONNECTED("FULLY_CONNECTED");

    final String builtin;

    LayerKind(String builtin) {
      this.builtin = builtin;
    }
  }

  /** The tensors of a layer's parameters; {@code bias} is -1 when the layer has none. */
  record Params(int filter, int bias) {}

  static final String FP16_BIAS = "float32 filter and bias: fp16 would round its bias by more"
      + " than its whole filter";
  static final String FLOAT_COMPUTE = "int8 weights dequantized at load, float32 kernel:"
      + " LiteRT's hybrid kernel for it is slower than float32";

  private final FlatModel fm;
  private final Precision precision;
  private final List<ConvertResult.FloatLayer> keptFloat = new ArrayList<>();

  WeightWriter(FlatModel fm, Precision precision) {
    this.fm = fm;
    this.precision = precision;
  }

  /** A float constant of little-endian bytes. */
  int floats(String name, int[] shape, byte[] data) {
    int n = data.length / 4;
    if (precision == Precision.FP16 && n >= FP16_MIN_ELEMENTS) {
      return half(name, shape, data);
    }
    return fm.constant(name, TensorType.FLOAT32, shape, data);
  }

  int floats(String name, int[] shape, float[] values) {
    return floats(name, shape, bytes(values));
  }

  /**
   * The filter and bias of a layer. {@code channelAxis} is the filter's output-channel axis;
   * {@code bias} may be null (no bias input).
   */
  Params layer(String layer, LayerKind kind, String name, int[] shape, float[] filter,
      int channelAxis, String biasName, float[] bias) {
    if (precision == Precision.INT8
        || precision == Precision.INT8_DYNAMIC && kind == LayerKind.FULLY_CONNECTED) {
      // int8 filters read by int8 (full integer) or hybrid kernels
      int t = int8(name, shape, filter, channelAxis);
      int b = bias == null ? -1 : fm.constFloats(biasName, new int[] {bias.length}, bias);
      return new Params(t, b);
    }
    if (precision == Precision.INT8_DYNAMIC) {
      // stored in int8, dequantized when LiteRT loads the file; the layer runs in float32
      int q = int8(name + "_int8", shape, filter, channelAxis);
      int f = fm.tensor(name, TensorType.FLOAT32, shape);
      fm.op(BuiltinOperator.DEQUANTIZE, new int[] {q}, new int[] {f});
      keptFloat.add(new ConvertResult.FloatLayer(layer, kind.builtin, FLOAT_COMPUTE));
      int b = bias == null ? -1 : fm.constFloats(biasName, new int[] {bias.length}, bias);
      return new Params(f, b);
    }
    if (precision == Precision.FP16 && !biasLosesMore(filter, shape[channelAxis], channelAxis,
        shape, bias)) {
      // all of a layer's parameters dequantized, or none: see the class comment
      int f = half(name, shape, bytes(filter));
      int b = bias == null ? -1 : half(biasName, new int[] {bias.length}, bytes(bias));
      return new Params(f, b);
    }
    if (precision == Precision.FP16) {
      keptFloat.add(new ConvertResult.FloatLayer(layer, kind.builtin, FP16_BIAS));
    }
    int f = fm.constant(name, TensorType.FLOAT32, shape, bytes(filter));
    int b = bias == null ? -1 : fm.constFloats(biasName, new int[] {bias.length}, bias);
    return new Params(f, b);
  }

  Precision precision() {
    return precision;
  }

  /** Layers whose weights stayed float32 although the precision asked for fewer bits. */
  List<ConvertResult.FloatLayer> keptFloat() {
    return List.copyOf(keptFloat);
  }

  /**
   * True when rounding the bias to fp16 would move some output channel by more than rounding its
   * whole filter could (for inputs of magnitude up to 1): large biases beside small weights, as
   * BatchNorm folding leaves, whose fp16 rounding alone would dominate the layer's error.
   */
  static boolean biasLosesMore(float[] filter, int channels, int axis, int[] shape,
      float[] bias) {
    if (bias == null) {
      return false;
    }
    int inner = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    double[] filterErr = new double[channels];
    for (int i = 0; i < filter.length; i++) {
      filterErr[(i / inner) % channels] += Math.abs(filter[i] - Half.toFloat(Half.fromFloat(
          filter[i])));
    }
    for (int c = 0; c < bias.length; c++) {
      double biasErr = Math.abs(bias[c] - Half.toFloat(Half.fromFloat(bias[c])));
      if (biasErr > filterErr[bias.length == channels ? c : 0]) {
        return true;
      }
    }
    return false;
  }

  private int int8(String name, int[] shape, float[] filter, int channelAxis) {
    Int8Weights q = Int8Weights.perChannel(filter, shape, channelAxis);
    int t = fm.constant(name, TensorType.INT8, shape, q.values());
    QuantizationParametersT p = new QuantizationParametersT();
    p.setScale(q.scales());
    p.setZeroPoint(new long[q.scales().length]);
    p.setQuantizedDimension(channelAxis);
    fm.get(t).quant = p;
    return t;
  }

  private int half(String name, int[] shape, byte[] data) {
    int n = data.length / 4;
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer h = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      h.putShort(Half.fromFloat(in.getFloat(i * 4)));
    }
    int half = fm.constant(name + "_fp16", TensorType.FLOAT16, shape, h.array());
    int out = fm.tensor(name, TensorType.FLOAT32, shape);
    fm.op(BuiltinOperator.DEQUANTIZE, new int[] {half}, new int[] {out});
    return out;
  }

  private static byte[] bytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }
}
