package dev.graft.simplify;

import dev.graft.data.NdArray;

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
    float[] f = x.floats();
    int samples = x.rows();
    if (layer.kind() != LinearLayer.Kind.CONV) {
      int in = layer.weights()[0].length;
      int per = x.rowSize() / in;
      double[] row = new double[in];
      for (int s = 0; s < samples; s++) {
        for (int p = 0; p < per; p++) {
          int base = (s * per + p) * in;
          for (int j = 0; j < in; j++) {
            row[j] = f[base + j];
          }
          sink.accept(s, p, row);
        }
      }
      return;
    }
    long[] xs = x.shape();
    Conv2d c = new Conv2d(layer.node(), (int) xs[1], (int) xs[2], (int) xs[3], (int) outShape[2],
        (int) outShape[3], layer.kernel());
    int fan = c.cin * c.kh * c.kw;
    double[] row = new double[fan];
    int plane = c.h * c.w;
    for (int s = 0; s < samples; s++) {
      int base = s * c.cin * plane;
      for (int i = 0; i < c.oh; i++) {
        for (int j = 0; j < c.ow; j++) {
          int k = 0;
          for (int ch = 0; ch < c.cin; ch++) {
            for (int a = 0; a < c.kh; a++) {
              int yy = i * c.sh - c.pt + a * c.dh;
              for (int b = 0; b < c.kw; b++, k++) {
                int xx = j * c.sw - c.pl + b * c.dw;
                row[k] = yy < 0 || yy >= c.h || xx < 0 || xx >= c.w
                    ? 0 : f[base + ch * plane + yy * c.w + xx];
              }
            }
          }
          sink.accept(s, i * c.ow + j, row);
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
