package dev.graft.linalg;

import dev.graft.GraftException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Ridge-regularized solves of symmetric positive (semi-)definite systems by Cholesky
 * factorization (EJML), the one solver for Gram matrices in Graft.
 *
 * <p>The ridge is relative: {@code (A + λD) X = B} with D the identity on the first {@code
 * penalized} unknowns (zero on the rest) and {@code λ = ridge × scale}, where scale is the mean of
 * those diagonal entries of A (1 when they are all zero: unknowns that never vary get the
 * minimum-norm answer, zero). A Gram matrix is only semi-definite up to rounding, so when A + λD
 * does not factor, λ grows tenfold, starting from at least {@code 1e-12 × scale}, up to {@code
 * max(ridge, 1e-3) × scale}. A system that still does not factor is indefinite or singular beyond
 * rounding, and the solve fails with a {@link GraftException} (kind failure) naming its size.
 */
public final class Spd {
  /** The largest relative ridge that a retry may reach, unless the caller asked for more. */
  static final double MAX_RETRY_RIDGE = 1e-3;

  private Spd() {}

  /** Solves {@code (G + λI) X = B} for X [n][m], every unknown penalized; see the class doc. */
  public static double[][] solve(double[][] g, double[][] b, double ridge) {
    int n = g.length;
    int m = b.length == 0 ? 0 : b[0].length;
    double[] a = new double[n * n];
    double[] rhs = new double[n * m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(g[i], 0, a, i * n, n);
      System.arraycopy(b[i], 0, rhs, i * m, m);
    }
    double[] x = solve(a, rhs, n, m, ridge, n);
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * m, out[i], 0, m);
    }
    return out;
  }

  /**
   * Solves {@code (A + λD) X = B} with A [n][n] and B [n][m] row-major flat arrays (neither is
   * changed); D penalizes the first {@code penalized} unknowns. Returns X [n][m] row-major.
   */
  public static double[] solve(double[] a, double[] b, int n, int m, double ridge, int penalized) {
    if (n == 0) {
      return new double[0];
    }
    for (double v : a) {
      if (!Double.isFinite(v)) {
        throw GraftException.failure("the %dx%d linear system has non-finite entries", n, n);
      }
    }
    double scale = 0;
    for (int i = 0; i < penalized; i++) {
      scale += a[i * n + i];
    }
    scale = penalized == 0 || !(scale / penalized > 1e-30) ? 1 : scale / penalized;
    double lambda = ridge * scale;
    double limit = Math.max(ridge, MAX_RETRY_RIDGE) * scale * (1 + 1e-9);
    LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(n);
    while (true) {
      DMatrixRMaj shifted = new DMatrixRMaj(n, n);
      System.arraycopy(a, 0, shifted.data, 0, n * n);
      for (int i = 0; i < penalized; i++) {
        shifted.data[i * n + i] += lambda;
      }
      if (solver.setA(shifted)) {
        DMatrixRMaj x = new DMatrixRMaj(n, m);
        solver.solve(DMatrixRMaj.wrap(n, m, b.clone()), x);
        return x.data;
      }
      lambda = Math.max(lambda * 10, 1e-12 * scale);
      if (lambda > limit) {
        throw GraftException.failure("the %dx%d linear system is not positive definite even with"
            + " a ridge of %.0e x its mean diagonal (indefinite or singular)", n, n,
            limit / scale / (1 + 1e-9));
      }
    }
  }
}
