package dev.graft.replace;

import dev.graft.io.NdArray;
import dev.graft.train.TrainingData;
import java.util.Map;

/** Least squares with a bias by Householder QR in float64, as an independent reference. */
final class DirectSolve {
  private DirectSolve() {}

  /**
   * Relative MSE (SSE over sum of squared targets) of the best affine map from features to
   * outputs over the training rows, samples laid out by the given strides.
   */
  static double relMse(TrainingData data, int f, int o, int positions, int fStride, int sStride,
      int oStride, int osStride) {
    int rows = data.rows(TrainingData.Split.TRAIN);
    int[] idx = new int[rows];
    for (int i = 0; i < rows; i++) {
      idx[i] = i;
    }
    Map<String, NdArray> b = data.batch(TrainingData.Split.TRAIN, idx);
    float[] x = b.get(data.inputNames().get(0)).floats();
    float[] y = b.get(data.targetName()).floats();
    int xr = x.length / rows;
    int yr = y.length / rows;
    int m = rows * positions;
    int n = f + 1;
    double[][] a = new double[m][n];
    double[][] t = new double[m][o];
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < positions; p++) {
        int s = r * positions + p;
        for (int i = 0; i < f; i++) {
          a[s][i] = x[r * xr + i * fStride + p * sStride];
        }
        a[s][f] = 1;
        for (int j = 0; j < o; j++) {
          t[s][j] = y[r * yr + j * oStride + p * osStride];
        }
      }
    }
    double ssy = 0;
    for (double[] row : t) {
      for (double v : row) {
        ssy += v * v;
      }
    }
    // Householder QR applied to [A | T]; the residual is the bottom m - n rows of Qᵀ T.
    for (int k = 0; k < n; k++) {
      double norm = 0;
      for (int i = k; i < m; i++) {
        norm += a[i][k] * a[i][k];
      }
      norm = Math.sqrt(norm);
      double alpha = a[k][k] > 0 ? -norm : norm;
      double[] v = new double[m];
      for (int i = k; i < m; i++) {
        v[i] = a[i][k];
      }
      v[k] -= alpha;
      double vv = 0;
      for (int i = k; i < m; i++) {
        vv += v[i] * v[i];
      }
      if (vv == 0) {
        continue;
      }
      for (int j = k; j < n; j++) {
        double d = 0;
        for (int i = k; i < m; i++) {
          d += v[i] * a[i][j];
        }
        for (int i = k; i < m; i++) {
          a[i][j] -= 2 * d / vv * v[i];
        }
      }
      for (int j = 0; j < o; j++) {
        double d = 0;
        for (int i = k; i < m; i++) {
          d += v[i] * t[i][j];
        }
        for (int i = k; i < m; i++) {
          t[i][j] -= 2 * d / vv * v[i];
        }
      }
    }
    double sse = 0;
    for (int i = n; i < m; i++) {
      for (int j = 0; j < o; j++) {
        sse += t[i][j] * t[i][j];
      }
    }
    return sse / ssy;
  }
}
