package dev.graft.thin;

import dev.graft.graph.TensorData;

/** Constants that apply per channel, and their slices to the kept channels. */
final class ChannelSlices {
  private ChannelSlices() {}

  /**
   * Whether a float constant, broadcast against a tensor of shape {@code out}, is the same along
   * every axis but the channel axis {@code ax} (where it may hold one value per channel).
   */
  static boolean perChannel(TensorData c, long[] out, int ax) {
    if (out == null || c.type() != dev.graft.io.DType.FLOAT || c.rank() > out.length) {
      return false;
    }
    long[] d = c.dims();
    int shift = out.length - d.length;
    for (int i = 0; i < d.length; i++) {
      if (d[i] != 1 && !(i + shift == ax && d[i] == out[ax])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The constant with only the kept channels along the channel axis {@code ax} of a tensor of
   * rank {@code outRank}, named {@code name}; null when it holds one value for all channels.
   */
  static TensorData slice(TensorData c, int outRank, int ax, int[] keep, String name) {
    long[] d = c.dims();
    int axis = ax - (outRank - d.length);
    if (axis < 0 || d[axis] == 1) {
      return null;
    }
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= (int) d[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < d.length; i++) {
      inner *= (int) d[i];
    }
    int n = (int) d[axis];
    float[] v = c.floats();
    float[] o = new float[outer * keep.length * inner];
    for (int a = 0; a < outer; a++) {
      for (int k = 0; k < keep.length; k++) {
        System.arraycopy(v, (a * n + keep[k]) * inner, o, (a * keep.length + k) * inner, inner);
      }
    }
    long[] nd = d.clone();
    nd[axis] = keep.length;
    return TensorData.ofFloats(name, nd, o);
  }
}
