package dev.graft.verify;

/** Small numeric helpers shared by evaluation and reports. */
public final class Metrics {
  private Metrics() {}

  public static int argmax(float[] v, int offset, int length) {
    int best = 0;
    for (int i = 1; i < length; i++) {
      if (v[offset + i] > v[offset + best]) {
        best = i;
      }
    }
    return best;
  }

  /** Share of rows whose arg-max equals the label. */
  public static double accuracy(float[] outputs, int rowSize, long[] labels) {
    int n = outputs.length / rowSize;
    long hit = 0;
    for (int r = 0; r < n; r++) {
      if (argmax(outputs, r * rowSize, rowSize) == labels[r]) {
        hit++;
      }
    }
    return n == 0 ? 0 : (double) hit / n;
  }
}
