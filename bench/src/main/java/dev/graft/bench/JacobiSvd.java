package dev.graft.bench;

import dev.graft.linalg.Dense;
import dev.graft.linalg.Svd;

/**
 * The one-sided Jacobi SVD that Graft's core used before {@link Svd} moved to EJML, kept here
 * unchanged (apart from its home) only as the baseline of {@link SvdBench}.
 */
final class JacobiSvd {
  private JacobiSvd() {}

  /** The singular value decomposition of an m×n matrix, by one-sided Jacobi rotations. */
  static Svd svd(double[][] a) {
    int m = a.length;
    int n = a[0].length;
    if (m < n) {
      Svd t = svd(Dense.transpose(a));
      return new Svd(t.v(), t.s(), t.u());
    }
    double[][] col = Dense.transpose(a); // n columns of length m
    double[][] vcol = new double[n][n];
    for (int i = 0; i < n; i++) {
      vcol[i][i] = 1;
    }
    for (int sweep = 0; sweep < 60; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          double alpha = dot(col[p], col[p]);
          double beta = dot(col[q], col[q]);
          double gamma = dot(col[p], col[q]);
          if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(1 + t * t);
          double s = c * t;
          rotate(col[p], col[q], c, s);
          rotate(vcol[p], vcol[q], c, s);
        }
      }
      if (!rotated) {
        break;
      }
    }
    double[] sv = new double[n];
    for (int j = 0; j < n; j++) {
      sv[j] = Math.sqrt(dot(col[j], col[j]));
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(sv[y], sv[x]));
    double[][] u = new double[m][n];
    double[][] v = new double[n][n];
    double[] s = new double[n];
    for (int k = 0; k < n; k++) {
      int j = order[k];
      s[k] = sv[j];
      for (int i = 0; i < m; i++) {
        u[i][k] = sv[j] > 0 ? col[j][i] / sv[j] : 0;
      }
      for (int i = 0; i < n; i++) {
        v[i][k] = vcol[j][i];
      }
    }
    return new Svd(u, s, v);
  }

  private static void rotate(double[] x, double[] y, double c, double s) {
    for (int i = 0; i < x.length; i++) {
      double a = x[i];
      double b = y[i];
      x[i] = c * a - s * b;
      y[i] = s * a + c * b;
    }
  }

  private static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }
}
