package dev.graft.simplify;

import dev.graft.io.NdArray;

/**
 * The rows a linear layer multiplies its weights with: for Gemm/MatMul the input's last-axis
 * vectors, for a group-1 Conv the im2col patch (C·kh·kw, in weight order) of every output
 * position. Used to form second-moment matrices XᵀX and cross terms XᵀY over recorded data.
 */
public final class Patches {
  /** Receives one row: the sample, the output position within the sample, and the values. */
  public interface RowSink {
    void accept(int sample, int position, double[] row);
  }

  private Patches() {}

  /** Calls {@code sink} for every row of {@code x} (input of {@code layer}), in order. */
  public static void forEach(NdArray x, LinearLayer layer, long[] outShape, RowSink sink) {
    Rows rows = new Rows(layer, x.shape(), outShape);
    float[] f = x.floats();
    double[] row = new double[rows.fan()];
    for (int s = 0; s < x.rows(); s++) {
      for (int p = 0; p < rows.positions(); p++) {
        rows.row(f, s, p, row, 0);
        sink.accept(s, p, row);
      }
    }
  }

  /**
   * Random access to the rows of one layer's input: {@link #positions} rows per sample, each of
   * {@link #fan} values. Stateless after construction, so threads may share one.
   */
  public static final class Rows {
    private final boolean conv;
    private final int fan;
    private final int positions;
    private final int sampleSize;
    private final Conv2d c;

    /** Rows of the input of shape {@code inShape} of {@code layer}, whose output has {@code outShape}. */
    public Rows(LinearLayer layer, long[] inShape, long[] outShape) {
      this.conv = layer.kind() == LinearLayer.Kind.CONV;
      this.fan = layer.weights()[0].length;
      int size = 1;
      for (int i = 1; i < inShape.length; i++) {
        size *= (int) inShape[i];
      }
      this.sampleSize = size;
      if (conv) {
        this.c = new Conv2d(layer.node(), (int) inShape[1], (int) inShape[2], (int) inShape[3],
            (int) outShape[2], (int) outShape[3], layer.kernel());
        this.positions = c.oh * c.ow;
      } else {
        this.c = null;
        this.positions = size / fan;
      }
    }

    public int fan() {
      return fan;
    }

    public int positions() {
      return positions;
    }

    /** Writes row {@code p} of sample {@code s} of the input values {@code x} at {@code dst[off]}. */
    public void row(float[] x, int s, int p, double[] dst, int off) {
      if (!conv) {
        int base = s * sampleSize + p * fan;
        for (int j = 0; j < fan; j++) {
          dst[off + j] = x[base + j];
        }
        return;
      }
      int i = p / c.ow;
      int j = p % c.ow;
      int plane = c.h * c.w;
      int base = s * sampleSize;
      int k = off;
      for (int ch = 0; ch < c.cin; ch++) {
        for (int a = 0; a < c.kh; a++) {
          int yy = i * c.sh - c.pt + a * c.dh;
          boolean rowIn = yy >= 0 && yy < c.h;
          for (int b = 0; b < c.kw; b++, k++) {
            int xx = j * c.sw - c.pl + b * c.dw;
            dst[k] = !rowIn || xx < 0 || xx >= c.w ? 0 : x[base + ch * plane + yy * c.w + xx];
          }
        }
      }
    }
  }

  /** Second moment Σ x xᵀ over every row (upper and lower triangles filled). */
  public static double[][] gram(NdArray x, LinearLayer layer, long[] outShape) {
    int fan = layer.weights()[0].length;
    double[][] g = new double[fan][fan];
    forEach(x, layer, outShape, (s, p, row) -> {
      for (int i = 0; i < fan; i++) {
        double ri = row[i];
        if (ri == 0) {
          continue;
        }
        double[] gi = g[i];
        for (int j = i; j < fan; j++) {
          gi[j] += ri * row[j];
        }
      }
    });
    for (int i = 0; i < fan; i++) {
      for (int j = 0; j < i; j++) {
        g[i][j] = g[j][i];
      }
    }
    return g;
  }
}
