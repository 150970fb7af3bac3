package dev.graft.linalg;

import dev.graft.GraftException;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * A thin singular value decomposition {@code A = U diag(s) Vᵀ} of an m×n matrix: U is m×k and V
 * is n×k with orthonormal columns, k = min(m, n), and the singular values descend. Each pair of
 * singular vectors is signed so that the entry of largest magnitude in the column of U is
 * positive (the first such entry on a tie), which makes the result deterministic.
 *
 * <p>{@link #of} is the one place that decides how: LAPACK's divide-and-conquer {@code dgesdd}
 * through the system's native {@code liblapack.so.3} where it loads (about 0.4 s at 1024² with
 * OpenBLAS against EJML's 3 s), else EJML's bidiagonalization and implicit QR, which also takes
 * any call that dgesdd does not converge on. {@code -Dgraft.linalg.native=false} forces EJML;
 * {@link #backend()} names the one in use (see {@code bench/run SvdBench}).
 */
public record Svd(double[][] u, double[] s, double[][] v) {
  /** Number of singular values, min(rows, cols). */
  public int size() {
    return s.length;
  }

  /**
   * The thin SVD of {@code a} (row-major, at least one row and one column); {@code a} is kept. A
   * non-finite entry fails with a {@link GraftException} (kind failure).
   */
  public static Svd of(double[][] a) {
    for (double[] row : a) {
      for (double x : row) {
        if (!Double.isFinite(x)) {
          throw GraftException.failure("the %dx%d matrix to decompose has non-finite entries",
              a.length, row.length);
        }
      }
    }
    Svd s = LapackSvd.available() ? LapackSvd.of(a) : null;
    return s != null ? signed(s) : ejml(a);
  }

  /** What computes {@link #of} in this process: the native LAPACK file, or EJML. */
  public static String backend() {
    return LapackSvd.available() ? LapackSvd.name() : "EJML";
  }

  /**
   * The thin SVD by EJML whatever {@link #backend()} is, for comparing the two ({@code
   * SvdBench}); {@code a} is finite. Use {@link #of}.
   */
  public static Svd ejml(double[][] a) {
    int m = a.length;
    int n = a[0].length;
    DMatrixRMaj matrix = new DMatrixRMaj(a);
    SingularValueDecomposition_F64<DMatrixRMaj> d =
        DecompositionFactory_DDRM.svd(m, n, true, true, true);
    if (!d.decompose(matrix)) {
      throw GraftException.failure("the singular value decomposition of a %dx%d matrix did not"
          + " converge", m, n);
    }
    DMatrixRMaj u = d.getU(null, false);
    DMatrixRMaj v = d.getV(null, false);
    int k = Math.min(m, n);
    double[] s = d.getSingularValues().clone();
    SingularOps_DDRM.descendingOrder(u, false, s, k, v, false);
    return signed(new Svd(rows(u, k), Arrays.copyOf(s, k), rows(v, k)));
  }

  /** The first k columns of a row-major EJML matrix as {@code double[rows][k]}. */
  private static double[][] rows(DMatrixRMaj x, int k) {
    double[][] r = new double[x.numRows][k];
    for (int i = 0; i < x.numRows; i++) {
      System.arraycopy(x.data, i * x.numCols, r[i], 0, k);
    }
    return r;
  }

  /** {@code svd} with column pairs flipped so that each column of u has its largest entry > 0. */
  static Svd signed(Svd svd) {
    double[][] u = svd.u();
    double[][] v = svd.v();
    int k = svd.size();
    for (int c = 0; c < k; c++) {
      double best = 0;
      for (double[] row : u) {
        if (Math.abs(row[c]) > Math.abs(best)) {
          best = row[c];
        }
      }
      if (best < 0) {
        for (double[] row : u) {
          row[c] = -row[c];
        }
        for (double[] row : v) {
          row[c] = -row[c];
        }
      }
    }
    return svd;
  }
}
