package dev.graft.linalg;

import java.util.Arrays;

/**
 * Dense matrix arithmetic in double precision for the sizes of layer weights: products, sums,
 * transposes and norms. Matrices are row-major {@code double[rows][cols]}. Decompositions live
 * beside it: {@link Svd} and {@link Spd}.
 */
public final class Dense {
  private Dense() {}

  public static double[][] mul(double[][] a, double[][] b) {
    int m = a.length;
    int k = b.length;
    int n = k == 0 ? 0 : b[0].length;
    double[][] c = new double[m][n];
    for (int i = 0; i < m; i++) {
      double[] ci = c[i];
      for (int p = 0; p < k; p++) {
        double aip = a[i][p];
        if (aip == 0) {
          continue;
        }
        double[] bp = b[p];
        for (int j = 0; j < n; j++) {
          ci[j] += aip * bp[j];
        }
      }
    }
    return c;
  }

  public static double[] mul(double[][] a, double[] x) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += a[i][j] * x[j];
      }
      y[i] = s;
    }
    return y;
  }

  /** a + b, accumulated into a (which is returned). */
  public static double[][] add(double[][] a, double[][] b) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        a[i][j] += b[i][j];
      }
    }
    return a;
  }

  public static double[][] transpose(double[][] a) {
    int m = a.length;
    int n = m == 0 ? 0 : a[0].length;
    double[][] t = new double[n][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  /**
   * tr(A·C·Aᵀ) = Σᵢ aᵢ·C·aᵢᵀ for a symmetric C [n][n] and A [m][n], reading only C's upper
   * triangle: half the work of forming A·C.
   */
  public static double traceQuadratic(double[][] a, double[][] c) {
    int n = c.length;
    double[] y = new double[n];
    double total = 0;
    for (double[] ai : a) {
      Arrays.fill(y, 0);
      for (int j = 0; j < n; j++) {
        double v = ai[j];
        if (v == 0) {
          continue;
        }
        double[] cj = c[j];
        for (int k = j + 1; k < n; k++) {
          y[k] += v * cj[k]; // y_k = Σ_{j<k} a_j C_jk
        }
      }
      for (int k = 0; k < n; k++) {
        total += ai[k] * (2 * y[k] + ai[k] * c[k][k]);
      }
    }
    return total;
  }

  public static double frobenius2(double[][] a) {
    double s = 0;
    for (double[] r : a) {
      for (double v : r) {
        s += v * v;
      }
    }
    return s;
  }
}
