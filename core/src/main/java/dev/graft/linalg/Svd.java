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
 * <p>Computed by EJML's bidiagonalization and implicit QR ({@link #of}), with about an eighth of
 * the CPU time of the one-sided Jacobi rotations it replaced at 768² and 1024² (see {@code
 * bench/run SvdBench}).
 */
public record Svd(double[][] u, double[] s, double[][] v) {
  /** Number of singular values, min(rows, cols). */
  public int size() {
    return s.length;
  }

  /** The thin SVD of {@code a} (row-major, at least one row and one column); {@code a} is kept. */
  public static Svd of(double[][] a) {
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
    double[][] left = rows(u, k);
    double[][] right = rows(v, k);
    sign(left, right);
    return new Svd(left, Arrays.copyOf(s, k), right);
  }

  /** The first k columns of a row-major EJML matrix as {@code double[rows][k]}. */
  private static double[][] rows(DMatrixRMaj x, int k) {
    double[][] r = new double[x.numRows][k];
    for (int i = 0; i < x.numRows; i++) {
      System.arraycopy(x.data, i * x.numCols, r[i], 0, k);
    }
    return r;
  }

  /** Flips column pairs of u and v so that each column of u has its largest entry positive. */
  private static void sign(double[][] u, double[][] v) {
    int k = u[0].length;
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
  }
}
