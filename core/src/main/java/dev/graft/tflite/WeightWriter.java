package dev.graft.tflite;

import dev.graft.graph.Half;
import dev.graft.quant.Int8Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.TensorType;

/**
 * Writes float constants at the requested precision: fp32 as is; fp16 as half floats followed by
 * a DEQUANTIZE; int8 filters of convolutions and fully connected layers per output channel
 * (symmetric, zero point 0), which TFLite runs with dynamic-range (hybrid) kernels or, with
 * quantized activations, full-integer kernels.
 */
final class WeightWriter {
  /** Constants smaller than this stay fp32 in fp16 mode: biases and scalars. */
  static final int FP16_MIN_ELEMENTS = 64;

  private final FlatModel fm;
  private final Precision precision;

  WeightWriter(FlatModel fm, Precision precision) {
    this.fm = fm;
    this.precision = precision;
  }

  /** A float constant of little-endian bytes. */
  int floats(String name, int[] shape, byte[] data) {
    int n = data.length / 4;
    if (precision == Precision.FP16 && n >= FP16_MIN_ELEMENTS) {
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
    return fm.constant(name, TensorType.FLOAT32, shape, data);
  }

  int floats(String name, int[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return floats(name, shape, b.array());
  }

  /**
   * The filter of a conv or fully connected layer, {@code channelAxis} being its output-channel
   * axis. Returns the tensor; {@link #lastScales} holds the per-channel scales when quantized.
   */
  int filter(String name, int[] shape, float[] values, int channelAxis) {
    if (precision == Precision.INT8_DYNAMIC || precision == Precision.INT8) {
      Int8Weights q = Int8Weights.perChannel(values, shape, channelAxis);
      int t = fm.constant(name, TensorType.INT8, shape, q.values());
      QuantizationParametersT p = new QuantizationParametersT();
      p.setScale(q.scales());
      p.setZeroPoint(new long[q.scales().length]);
      p.setQuantizedDimension(channelAxis);
      fm.get(t).quant = p;
      lastScales = q.scales();
      return t;
    }
    lastScales = null;
    return floats(name, shape, values);
  }

  float[] lastScales;

  Precision precision() {
    return precision;
  }
}
