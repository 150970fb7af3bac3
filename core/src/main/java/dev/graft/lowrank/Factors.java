package dev.graft.lowrank;

import dev.graft.linalg.Dense;
import dev.graft.linalg.Svd;
import dev.graft.linalg.SymmetricEigen;

/**
 * The SVD of a layer's weight matrix in the form to be truncated: the plain [out][fan] matrix,
 * its whitened form {@code W·C^½}, or the spatial rearrangement [(c,i)][(c',j)] of a conv kernel.
 */
final class Factors {
  private final Svd svd;
  private final double[][] q; // eigenvectors Q of C = QΛQᵀ (whitened form), or null
  private final double[] invRoot; // 1/√λ per eigenvector, or null
  private final boolean spatial;
  private final int out;
  private final int rows;
  private final int cols;

  private Factors(Svd svd, double[][] q, double[] invRoot, boolean spatial, int out, int rows,
      int cols) {
    this.svd = svd;
    this.q = q;
    this.invRoot = invRoot;
    this.spatial = spatial;
    this.out = out;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * W [out][fan]; with {@code cov} (fan×fan second moment) the SVD of W·C^½. With C = QΛQᵀ
   * (the symmetric eigendecomposition of C plus a ridge of 1e-6 of its mean diagonal),
   * W·C^½ = (W·Q·Λ^½)·Qᵀ has the singular values and left vectors of W·Q·Λ^½ and right vectors
   * Q·V′, so only W·Q·Λ^½ is decomposed and C^½, C^−½ are never formed: {@link #factors} undoes
   * the whitening as V_rᵀ·C^−½ = V′_rᵀ·Λ^−½·Qᵀ.
   */
  static Factors matrix(double[][] w, double[][] cov) {
    if (cov == null) {
      return new Factors(Svd.of(w), null, null, false, w.length, w.length, w[0].length);
    }
    int n = cov.length;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += cov[i][i] / n;
    }
    double[][] c = new double[n][];
    for (int i = 0; i < n; i++) {
      c[i] = cov[i].clone();
      c[i][i] += 1e-6 * Math.max(mean, 1e-30);
    }
    SymmetricEigen e = SymmetricEigen.of(c); // c = Q Λ Qᵀ, Λ descending
    double[] root = new double[n];
    double[] invRoot = new double[n];
    for (int k = 0; k < n; k++) {
      // |λ|: a rounding-negative λ of the ridged PSD c counts by its size, as its singular
      // value did when c was decomposed by the SVD
      root[k] = Math.sqrt(Math.abs(e.values()[k]));
      invRoot[k] = 1 / root[k];
    }
    double[][] wq = Dense.mul(w, e.vectors());
    for (double[] row : wq) {
      for (int k = 0; k < n; k++) {
        row[k] *= root[k];
      }
    }
    return new Factors(Svd.of(wq), e.vectors(), invRoot, false, w.length, w.length, w[0].length);
  }

  /** A conv kernel [out][cin·kh·kw] rearranged to [(c,i)][(c',j)] for a (kh×1)(1×kw) split. */
  static Factors spatial(double[][] w, int cin, long[] kernel) {
    int kh = (int) kernel[0];
    int kw = (int) kernel[1];
    int out = w.length;
    double[][] m = new double[cin * kh][out * kw];
    for (int o = 0; o < out; o++) {
      for (int c = 0; c < cin; c++) {
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            m[c * kh + i][o * kw + j] = w[o][(c * kh + i) * kw + j];
          }
        }
      }
    }
    return new Factors(Svd.of(m), null, null, true, out, cin * kh, out * kw);
  }

  int full() {
    return Math.min(rows, cols);
  }

  long params(int r) {
    return (long) r * (rows + cols);
  }

  int rankForEnergy(double e) {
    double total = 0;
    for (double s : svd.s()) {
      total += s * s;
    }
    double acc = 0;
    for (int r = 0; r < svd.size(); r++) {
      acc += svd.s()[r] * svd.s()[r];
      if (acc >= e * total * (1 - 1e-12)) {
        return r + 1;
      }
    }
    return svd.size();
  }

  double energyKept(int r) {
    double total = 0;
    double kept = 0;
    for (int i = 0; i < svd.size(); i++) {
      double s2 = svd.s()[i] * svd.s()[i];
      total += s2;
      kept += i < r ? s2 : 0;
    }
    return total == 0 ? 1 : kept / total;
  }

  /**
   * {G, F} at rank r: the layer becomes F (applied first) then G. For the matrix form G is
   * [out][r] and F [r][fan]; for the spatial form F is [r][cin·kh] and G [out][r·kw].
   */
  double[][][] factors(int r) {
    double[][] u = svd.u();
    double[][] v = svd.v();
    double[] s = svd.s();
    if (spatial) {
      int kw = cols / out;
      double[][] f = new double[r][rows];
      double[][] g = new double[out][r * kw];
      for (int k = 0; k < r; k++) {
        double root = Math.sqrt(s[k]);
        for (int i = 0; i < rows; i++) {
          f[k][i] = root * u[i][k];
        }
        for (int o = 0; o < out; o++) {
          for (int j = 0; j < kw; j++) {
            g[o][k * kw + j] = root * v[o * kw + j][k];
          }
        }
      }
      return new double[][][] {g, f};
    }
    double[][] g = new double[rows][r];
    double[][] f = new double[r][cols];
    for (int k = 0; k < r; k++) {
      double root = Math.sqrt(s[k]);
      for (int i = 0; i < rows; i++) {
        g[i][k] = root * u[i][k];
      }
      for (int j = 0; j < cols; j++) {
        f[k][j] = root * v[j][k] * (invRoot == null ? 1 : invRoot[j]);
      }
    }
    if (q != null) {
      f = Dense.mul(f, Dense.transpose(q));
    }
    return new double[][][] {g, f};
  }

  /** The [out][cin·kh·kw] kernel that a spatial pair {G, F} computes. */
  static double[][] spatialProduct(double[][] g, double[][] f, int cin, long[] kernel) {
    int kh = (int) kernel[0];
    int kw = (int) kernel[1];
    int r = f.length;
    double[][] w = new double[g.length][cin * kh * kw];
    for (int o = 0; o < g.length; o++) {
      for (int c = 0; c < cin; c++) {
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            double sum = 0;
            for (int k = 0; k < r; k++) {
              sum += f[k][c * kh + i] * g[o][k * kw + j];
            }
            w[o][(c * kh + i) * kw + j] = sum;
          }
        }
      }
    }
    return w;
  }
}
