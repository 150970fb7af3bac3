package dev.graft.quant;

/**
 * Symmetric int8 quantization of a weight tensor per output channel: for each channel the scale
 * is max|w| / 127 and the zero point 0, so that w ≈ scale × q with q in [-127, 127].
 *
 * <pre>{@code
 * Int8Weights q = Int8Weights.perChannel(w, new int[] {64, 3, 3, 32}, 0);
 * }</pre>
 *
 * @param values the quantized values, in the layout of the input
 * @param scales one scale per channel
 */
public record Int8Weights(byte[] values, float[] scales) {
  /** Quantizes a row-major tensor of sizes {@code shape} along {@code axis}. */
  public static Int8Weights perChannel(float[] w, int[] shape, int axis) {
    int channels = shape[axis];
    int inner = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    float[] max = new float[channels];
    for (int i = 0; i < w.length; i++) {
      int c = (i / inner) % channels;
      max[c] = Math.max(max[c], Math.abs(w[i]));
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = max[c] > 0 ? max[c] / 127f : 1f;
    }
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = (i / inner) % channels;
      q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scales[c])));
    }
    return new Int8Weights(q, scales);
  }

  /** The largest absolute difference between the weights and their quantized values. */
  public float maxError(float[] w, int[] shape, int axis) {
    int channels = shape[axis];
    int inner = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    float err = 0;
    for (int i = 0; i < w.length; i++) {
      int c = (i / inner) % channels;
      err = Math.max(err, Math.abs(w[i] - values[i] * scales[c]));
    }
    return err;
  }
}
