package dev.graft.simplify;

/**
 * Small dense linear algebra in double precision for the sizes of layer weights: products, a
 * singular value decomposition by one-sided Jacobi rotations, and symmetric positive definite
 * solves by Cholesky factorization. Matrices are row-major {@code double[rows][cols]}.
 */
public final class Dense {
  private Dense() {}

  /** A thin singular value decomposition {@code A = U diag(s) Vᵀ}, values in descending order. */
  public record Svd(double[][] u, double[] s, double[][] v) {
    /** Number of singular values, min(rows, cols). */
    public int size() {
      return s.length;
    }
  }

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

  public static double frobenius2(double[][] a) {
    double s = 0;
    for (double[] r : a) {
      for (double v : r) {
        s += v * v;
      }
    }
    return s;
  }

  /** The singular value decomposition of an m×n matrix, by one-sided Jacobi rotations. */
  public static Svd svd(double[][] a) {
    int m = a.length;
    int n = a[0].length;
    if (m < n) {
      Svd t = svd(transpose(a));
      return new Svd(t.v(), t.s(), t.u());
    }
    double[][] col = transpose(a); // n columns of length m
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

  /**
   * Solves {@code (G + ridge·mean(diag G)·I) X = B} for a symmetric positive semi-definite G by
   * Cholesky factorization; B has one column per right-hand side.
   */
  public static double[][] solveSpd(double[][] g, double[][] b, double ridge) {
    int n = g.length;
    double meanDiag = 0;
    for (int i = 0; i < n; i++) {
      meanDiag += g[i][i];
    }
    meanDiag = n == 0 ? 0 : meanDiag / n;
    double lambda = ridge * Math.max(meanDiag, 1e-30);
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = g[i][j] + (i == j ? lambda : 0);
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          l[i][i] = Math.sqrt(Math.max(s, 1e-300));
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    int r = b.length == 0 ? 0 : b[0].length;
    double[][] x = new double[n][r];
    for (int c = 0; c < r; c++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        double s = b[i][c];
        for (int k = 0; k < i; k++) {
          s -= l[i][k] * y[k];
        }
        y[i] = s / l[i][i];
      }
      for (int i = n - 1; i >= 0; i--) {
        double s = y[i];
        for (int k = i + 1; k < n; k++) {
          s -= l[k][i] * x[k][c];
        }
        x[i][c] = s / l[i][i];
      }
    }
    return x;
  }
}
