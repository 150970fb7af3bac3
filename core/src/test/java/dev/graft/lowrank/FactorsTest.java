package dev.graft.lowrank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.linalg.Dense;
import dev.graft.linalg.Svd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The whitened factors of {@link Factors#matrix} against the covariance's SVD they replaced. */
class FactorsTest {
  /**
   * {G·F, kept energy} at rank r by the former path: C (with Factors' ridge) = U diag(s) Uᵀ by
   * the SVD, then the SVD of W·U·diag(s)^½, truncated, unwhitened by diag(s)^−½·Uᵀ.
   */
  private static double[][] bySvdOfCovariance(double[][] w, double[][] cov, int r,
      double[] energy) {
    int n = cov.length;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += cov[i][i] / n;
    }
    double[][] c = new double[n][];
    for (int i = 0; i < n; i++) {
      c[i] = cov[i].clone();
      c[i][i] += 1e-6 * mean;
    }
    Svd e = Svd.of(c);
    double[][] wq = Dense.mul(w, e.u());
    for (double[] row : wq) {
      for (int k = 0; k < n; k++) {
        row[k] *= Math.sqrt(e.s()[k]);
      }
    }
    Svd s = Svd.of(wq);
    double total = 0;
    for (int k = 0; k < s.size(); k++) {
      total += s.s()[k] * s.s()[k];
      energy[0] += k < r ? s.s()[k] * s.s()[k] : 0;
    }
    energy[0] /= total;
    double[][] f = new double[r][n]; // diag(s_r)·V_rᵀ·diag(s_c)^−½·Uᵀ
    for (int k = 0; k < r; k++) {
      for (int j = 0; j < n; j++) {
        double vj = s.s()[k] * s.v()[j][k] / Math.sqrt(e.s()[j]);
        for (int i = 0; i < n; i++) {
          f[k][i] += vj * e.u()[i][j];
        }
      }
    }
    double[][] u = new double[w.length][r];
    for (int i = 0; i < w.length; i++) {
      System.arraycopy(s.u()[i], 0, u[i], 0, r);
    }
    return Dense.mul(u, f);
  }

  @Test
  void whitenedFactorsMatchTheSvdOfTheCovarianceOnFullAndRankDeficientInputs() {
    Random r = new Random(21);
    double[][] w = LowRankTest.randn(r, 48, 96);
    for (int inputRank : new int[] {96, 60}) {
      double[][] x = Dense.mul(LowRankTest.randn(r, 400, inputRank),
          LowRankTest.randn(r, inputRank, 96)); // correlated; rank 60: C is singular
      double[][] cov = Dense.mul(Dense.transpose(x), x);
      Factors f = Factors.matrix(w, cov);
      for (int rank : new int[] {4, 20, 47}) {
        double[] energy = new double[1];
        double[][] want = bySvdOfCovariance(w, cov, rank, energy);
        double[][][] gf = f.factors(rank);
        double[][] got = Dense.mul(gf[0], gf[1]);
        String at = "input rank " + inputRank + ", rank " + rank;
        assertEquals(energy[0], f.energyKept(rank), 1e-12, at);
        assertEquals(LowRank.relErr(w, want, cov), LowRank.relErr(w, got, cov), 1e-12, at);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < w.length; i++) {
          for (int j = 0; j < w[0].length; j++) {
            diff = Math.max(diff, Math.abs(got[i][j] - want[i][j]));
            scale = Math.max(scale, Math.abs(want[i][j]));
          }
        }
        assertTrue(diff < 1e-9 * scale, at + ": max |ΔGF| " + diff + " of " + scale);
      }
    }
  }
}
