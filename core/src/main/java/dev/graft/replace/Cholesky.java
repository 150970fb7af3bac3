package dev.graft.replace;

import dev.graft.GraftException;

/** Solves symmetric positive-definite systems by Cholesky factorization, in float64. */
final class Cholesky {
  private Cholesky() {}

  /**
   * Solves {@code (A + λ D) X = B} for X [n, m], where D is the identity on the first
   * {@code penalized} unknowns and zero elsewhere and λ = {@code ridge × mean of those diagonal
   * entries}; λ grows tenfold while A + λD is not numerically positive definite.
   */
  static double[] ridgeSolve(double[] a, double[] b, int n, int m, double ridge, int penalized) {
    double mean = 0;
    for (int i = 0; i < penalized; i++) {
      mean += a[i * n + i];
    }
    mean = penalized == 0 ? 1 : Math.max(mean / penalized, 1e-30);
    double lambda = ridge * mean;
    for (int attempt = 0; attempt < 12; attempt++) {
      double[] l = factor(a, n, lambda, penalized);
      if (l != null) {
        return solve(l, b, n, m);
      }
      lambda = Math.max(lambda * 10, 1e-12 * mean);
    }
    throw GraftException.failure("the least-squares system of size %d is singular", n);
  }

  private static double[] factor(double[] a, int n, double lambda, int penalized) {
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j] + (j < penalized ? lambda : 0);
      for (int k = 0; k < j; k++) {
        d -= l[j * n + k] * l[j * n + k];
      }
      if (!(d > 0)) {
        return null;
      }
      double ljj = Math.sqrt(d);
      l[j * n + j] = ljj;
      for (int i = j + 1; i < n; i++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * n + k] * l[j * n + k];
        }
        l[i * n + j] = s / ljj;
      }
    }
    return l;
  }

  private static double[] solve(double[] l, double[] b, int n, int m) {
    double[] y = b.clone();
    for (int c = 0; c < m; c++) {
      for (int i = 0; i < n; i++) {
        double s = y[i * m + c];
        for (int k = 0; k < i; k++) {
          s -= l[i * n + k] * y[k * m + c];
        }
        y[i * m + c] = s / l[i * n + i];
      }
      for (int i = n - 1; i >= 0; i--) {
        double s = y[i * m + c];
        for (int k = i + 1; k < n; k++) {
          s -= l[k * n + i] * y[k * m + c];
        }
        y[i * m + c] = s / l[i * n + i];
      }
    }
    return y;
  }
}
