package dev.graft.quant;

/**
 * Affine int8 quantization of one tensor, {@code real = scale × (q − zeroPoint)} with q in [-128,
 * 127]. The range is widened to hold 0 so that zero (padding, ReLU's floor) is exact.
 *
 * <pre>{@code
 * QuantParams p = QuantParams.asymmetric(-0.3f, 5.2f);
 * byte q = p.quantize(1.0f);
 * }</pre>
 *
 * @param scale the step between consecutive quantized values
 * @param zeroPoint the quantized value of real 0
 */
public record QuantParams(float scale, int zeroPoint) {
  /** Parameters that map [min, max] (widened to hold 0) onto [-128, 127]. */
  public static QuantParams asymmetric(float min, float max) {
    float lo = Math.min(min, 0f);
    float hi = Math.max(max, 0f);
    if (hi - lo < 1e-8f) {
      return new QuantParams(1e-8f, 0);
    }
    float scale = (hi - lo) / 255f;
    if (!Float.isFinite(scale)) {
      throw dev.graft.GraftException.failure("a tensor ranges over [%s, %s] on the calibration"
          + " data, which int8 cannot represent (the model overflows float32 on these inputs)",
          min, max);
    }
    int zp = Math.round(-128f - lo / scale);
    zp = Math.max(-128, Math.min(127, zp));
    return new QuantParams(scale, zp);
  }

  public byte quantize(float v) {
    long q = Math.round(v / (double) scale) + zeroPoint;
    return (byte) Math.max(-128, Math.min(127, q));
  }

  public float dequantize(byte q) {
    return scale * (q - zeroPoint);
  }

  /** The values quantized with these parameters. */
  public byte[] quantize(float[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = quantize(values[i]);
    }
    return out;
  }

  /** Parameters for the given values' own range. */
  public static QuantParams of(float[] values) {
    float lo = 0;
    float hi = 0;
    for (float v : values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return asymmetric(lo, hi);
  }
}
