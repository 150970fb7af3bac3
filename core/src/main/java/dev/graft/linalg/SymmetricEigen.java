package dev.graft.linalg;

import dev.graft.GraftException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The eigendecomposition {@code A = Q diag(λ) Qᵀ} of a symmetric n×n matrix: Q is orthogonal
 * ({@code vectors[i][k]} is entry i of the eigenvector of {@code values[k]}) and the eigenvalues
 * descend, signed as they come (a positive semi-definite matrix may give tiny negative ones from
 * rounding; the caller decides what they mean). Each eigenvector is signed so that its entry of
 * largest magnitude is positive (the first such entry on a tie), as {@link Svd} signs its vectors.
 *
 * <p>Cheaper than {@link Svd#of} for a symmetric matrix (one tridiagonalization, no
 * bidiagonalization of a square matrix) and exact in sign. {@link #of} runs LAPACK's
 * divide-and-conquer {@code dsyevd} where {@link Svd#of} runs native LAPACK, else, and on any
 * call dsyevd does not converge on, EJML's symmetric QR algorithm: one decision for both, so
 * {@code -Dgraft.linalg.native=false} forces EJML here too; {@link #backend()} names the one in
 * use (see {@code bench/run SvdBench}).
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
  /** Number of eigenvalues, n. */
  public int size() {
    return values.length;
  }

  /**
   * The eigendecomposition of the symmetric part {@code (A + Aᵀ)/2} of {@code a} (square, at least
   * 1×1; a symmetric {@code a} is decomposed as it is); {@code a} is kept. A non-square or
   * non-finite {@code a} fails with a {@link GraftException} (kind failure).
   */
  public static SymmetricEigen of(double[][] a) {
    double[][] s = symmetricPart(a);
    SymmetricEigen e = LapackSvd.available() ? LapackEigen.of(LapackSvd.lapack(), s) : null;
    return e != null ? sorted(e) : ejmlOf(s);
  }

  /** What computes {@link #of} in this process: the native LAPACK file, or EJML. */
  public static String backend() {
    return LapackSvd.available() ? LapackEigen.NAME + " (" + LapackSvd.library() + ")" : "EJML";
  }

  /**
   * The eigendecomposition by EJML whatever {@link #backend()} is, for comparing the two ({@code
   * SvdBench}); {@code a} as for {@link #of}. Use {@link #of}.
   */
  public static SymmetricEigen ejml(double[][] a) {
    return ejmlOf(symmetricPart(a));
  }

  private static SymmetricEigen ejmlOf(double[][] s) {
    int n = s.length;
    EigenDecomposition_F64<DMatrixRMaj> d = DecompositionFactory_DDRM.eig(n, true, true);
    if (!d.decompose(new DMatrixRMaj(s))) {
      throw GraftException.failure("the eigendecomposition of a %dx%d symmetric matrix did not"
          + " converge", n, n);
    }
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int k = 0; k < n; k++) {
      values[k] = d.getEigenvalue(k).getReal();
      DMatrixRMaj v = d.getEigenVector(k);
      for (int i = 0; i < n; i++) {
        vectors[i][k] = v.data[i];
      }
    }
    return sorted(new SymmetricEigen(values, vectors));
  }

  /** (A + Aᵀ)/2 as a new matrix, after checking that {@code a} is square and finite. */
  static double[][] symmetricPart(double[][] a) {
    int n = a.length;
    for (double[] row : a) {
      if (row.length != n) {
        throw GraftException.failure("the %dx%d matrix to decompose is not square", n,
            row.length);
      }
      for (double x : row) {
        if (!Double.isFinite(x)) {
          throw GraftException.failure("the %dx%d matrix to decompose has non-finite entries",
              n, n);
        }
      }
    }
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      s[i][i] = a[i][i];
      for (int j = 0; j < i; j++) {
        s[i][j] = s[j][i] = a[i][j] == a[j][i] ? a[i][j] : 0.5 * (a[i][j] + a[j][i]);
      }
    }
    return s;
  }

  /** {@code e} with its columns reordered by descending eigenvalue (stable on ties), signed. */
  static SymmetricEigen sorted(SymmetricEigen e) {
    double[] values = e.values;
    double[][] vectors = e.vectors;
    int n = values.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer k) -> values[k]).reversed());
    double[] v = new double[n];
    double[][] q = new double[n][n];
    for (int c = 0; c < n; c++) {
      int k = order[c];
      v[c] = values[k];
      double best = 0;
      for (double[] row : vectors) {
        if (Math.abs(row[k]) > Math.abs(best)) {
          best = row[k];
        }
      }
      double sign = best < 0 ? -1 : 1;
      for (int i = 0; i < n; i++) {
        q[i][c] = sign * vectors[i][k];
      }
    }
    return new SymmetricEigen(v, q);
  }
}
