package dev.graft.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.GraftException;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same accuracy checks on every way {@link Svd} computes: the one it picks, EJML, LAPACK. */
class SvdTest {
  /** The backends; LAPACK is skipped, with the reason, where no native LAPACK loads. */
  enum Backend {
    CHOSEN(Svd::of),
    EJML(Svd::ejml),
    LAPACK(a -> Svd.signed(LapackSvd.of(a)));

    private final Function<double[][], Svd> svd;

    Backend(Function<double[][], Svd> svd) {
      this.svd = svd;
    }

    Svd of(double[][] a) {
      if (this == LAPACK) {
        assumeLapack();
      }
      return svd.apply(a);
    }
  }

  /** Skips a test of the native path where this process has no native LAPACK. */
  static void assumeLapack() {
    assumeTrue(LapackSvd.available(), "no native LAPACK in this process: liblapack.so.3 is not "
        + "installed (Debian: libopenblas0-pthread) or -D" + LapackSvd.PROPERTY + "=false");
  }

  static double[][] randn(Random r, int m, int n) {
    double[][] a = new double[m][n];
    for (double[] row : a) {
      for (int j = 0; j < n; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return a;
  }

  /** Largest |A − U diag(s) Vᵀ| entry. */
  private static double reconstructionError(double[][] a, Svd s) {
    double err = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        double v = 0;
        for (int k = 0; k < s.size(); k++) {
          v += s.u()[i][k] * s.s()[k] * s.v()[j][k];
        }
        err = Math.max(err, Math.abs(v - a[i][j]));
      }
    }
    return err;
  }

  /** Largest |XᵀX − I| entry. */
  static double orthogonalityError(double[][] x) {
    double[][] xtx = Dense.mul(Dense.transpose(x), x);
    double err = 0;
    for (int i = 0; i < xtx.length; i++) {
      for (int j = 0; j < xtx.length; j++) {
        err = Math.max(err, Math.abs(xtx[i][j] - (i == j ? 1 : 0)));
      }
    }
    return err;
  }

  static void assertDecomposes(double[][] a, Svd s) {
    int k = Math.min(a.length, a[0].length);
    assertEquals(k, s.size());
    assertEquals(a.length, s.u().length);
    assertEquals(a[0].length, s.v().length);
    double err = reconstructionError(a, s);
    assertTrue(err < 1e-10 * Math.max(1, s.s()[0]), "reconstruction error " + err);
    assertTrue(orthogonalityError(s.u()) < 1e-10, "UᵀU − I " + orthogonalityError(s.u()));
    assertTrue(orthogonalityError(s.v()) < 1e-10, "VᵀV − I " + orthogonalityError(s.v()));
    for (int i = 0; i < k; i++) {
      assertTrue(s.s()[i] >= 0 && (i == 0 || s.s()[i] <= s.s()[i - 1]), "order at " + i);
      double best = 0;
      for (double[] row : s.u()) {
        best = Math.abs(row[i]) > Math.abs(best) ? row[i] : best;
      }
      assertTrue(best > 0, "largest entry of u column " + i + " is " + best);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void decomposesRandomMatricesOfEveryShapeWithOrthonormalFactors(Backend backend) {
    Random r = new Random(1);
    for (int[] mn : new int[][] {{20, 13}, {13, 20}, {64, 64}, {1, 7}, {7, 1}, {1, 1}}) {
      double[][] a = randn(r, mn[0], mn[1]);
      assertDecomposes(a, backend.of(a));
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void rankDeficientMatrixHasZeroTailAndStillOrthonormalFactors(Backend backend) {
    Random r = new Random(2);
    double[][] a = Dense.mul(randn(r, 40, 5), randn(r, 5, 30));
    Svd s = backend.of(a);
    assertDecomposes(a, s);
    assertTrue(s.s()[4] > 1e-3 * s.s()[0], "fifth value " + s.s()[4]);
    for (int i = 5; i < s.size(); i++) {
      assertEquals(0, s.s()[i], 1e-12 * s.s()[0], "value " + i);
    }
    double[][] zero = new double[6][4];
    Svd z = backend.of(zero);
    assertArrayEquals(new double[4], z.s(), 0);
    assertTrue(orthogonalityError(z.u()) < 1e-12 && orthogonalityError(z.v()) < 1e-12);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void singularValuesOfSignedDiagonalAreItsMagnitudesInDescendingOrder(Backend backend) {
    double[][] a = {{3, 0, 0}, {0, -5, 0}, {0, 0, 1}, {0, 0, 0}};
    Svd s = backend.of(a);
    assertArrayEquals(new double[] {5, 3, 1}, s.s(), 1e-14);
    // u's largest entry is positive, so the sign of -5 goes to v: u₀ = e₁, v₀ = −e₁
    assertEquals(1, s.u()[1][0], 1e-14);
    assertEquals(-1, s.v()[1][0], 1e-14);
    assertDecomposes(a, s);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void wideAndTallRankDeficientMatricesDecompose(Backend backend) {
    Random r = new Random(3);
    for (int[] mn : new int[][] {{300, 120}, {120, 300}}) {
      double[][] a = Dense.mul(randn(r, mn[0], 17), randn(r, 17, mn[1]));
      Svd s = backend.of(a);
      assertDecomposes(a, s);
      assertTrue(s.s()[16] > 1e-3 * s.s()[0], "value 16 " + s.s()[16]);
      assertEquals(0, s.s()[17], 1e-12 * s.s()[0], "value 17");
    }
  }

  @Test
  void nonFiniteEntryFailsClearly() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      double[][] a = {{1, 2}, {3, bad}, {5, 6}};
      GraftException e = assertThrows(GraftException.class, () -> Svd.of(a));
      assertEquals(GraftException.Kind.FAILURE, e.kind());
      assertEquals("the 3x2 matrix to decompose has non-finite entries", e.getMessage());
    }
  }
}
