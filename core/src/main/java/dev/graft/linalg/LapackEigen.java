package dev.graft.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Locale;
import org.netlib.util.intW;

/**
 * LAPACK's divide-and-conquer symmetric eigensolver ({@code dsyevd}) on the native library that
 * {@link LapackSvd} loads and decides on; {@link SymmetricEigen#of} calls it only where that
 * library is in use.
 */
final class LapackEigen {
  /** The LAPACK routine, as {@link SymmetricEigen#backend()} names it. */
  static final String NAME = "LAPACK dsyevd";

  private LapackEigen() {}

  /**
   * dsyevd on the symmetric, finite n×n {@code s}, or null when it did not converge. The values
   * come ascending and unsigned vectors as LAPACK gives them; {@link SymmetricEigen} orders and
   * signs them. A symmetric row-major matrix is its own column-major form, and the eigenvector
   * of value k comes back as column k of the column-major result.
   */
  static SymmetricEigen of(LAPACK lapack, double[][] s) {
    int n = s.length;
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(s[i], 0, a, i * n, n);
    }
    double[] w = new double[n];
    intW info = new intW(0);
    double[] workQuery = new double[1];
    int[] iworkQuery = new int[1];
    lapack.dsyevd("V", "U", n, a, n, w, workQuery, -1, iworkQuery, -1, info);
    check(info, n);
    double[] work = new double[Math.max(1, (int) Math.ceil(workQuery[0]))];
    int[] iwork = new int[Math.max(1, iworkQuery[0])];
    lapack.dsyevd("V", "U", n, a, n, w, work, work.length, iwork, iwork.length, info);
    if (info.val > 0) {
      return null; // the tridiagonal divide and conquer did not converge
    }
    check(info, n);
    double[][] q = new double[n][n];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        q[i][k] = a[k * n + i];
      }
    }
    return new SymmetricEigen(w, q);
  }

  /** A negative info names an argument dsyevd refused: a defect here, not the user's input. */
  private static void check(intW info, int n) {
    if (info.val < 0) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "dsyevd refused argument %d for a %dx%d matrix", -info.val, n, n));
    }
  }
}
