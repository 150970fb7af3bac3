package dev.graft.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link SymmetricEigen} on matrices of known spectrum, by every backend, and its decision. */
class SymmetricEigenTest {
  /** The backends; LAPACK is skipped, with the reason, where no native LAPACK loads. */
  enum Backend {
    CHOSEN(SymmetricEigen::of),
    EJML(SymmetricEigen::ejml),
    LAPACK(a -> SymmetricEigen.sorted(
        LapackEigen.of(LapackSvd.lapack(), SymmetricEigen.symmetricPart(a))));

    private final Function<double[][], SymmetricEigen> eigen;

    Backend(Function<double[][], SymmetricEigen> eigen) {
      this.eigen = eigen;
    }

    SymmetricEigen of(double[][] a) {
      if (this == LAPACK) {
        SvdTest.assumeLapack();
      }
      return eigen.apply(a);
    }
  }

  /** Q diag(λ) Qᵀ for a random orthogonal Q (the U of a Gaussian matrix's SVD). */
  static double[][] withSpectrum(Random r, double[] lambda) {
    int n = lambda.length;
    double[][] q = Svd.ejml(SvdTest.randn(r, n, n)).u();
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += q[i][k] * lambda[k] * q[j][k];
        }
        a[i][j] = s;
        a[j][i] = s;
      }
    }
    return a;
  }

  /** Largest |A − Q diag(λ) Qᵀ| entry. */
  private static double reconstructionError(double[][] a, SymmetricEigen e) {
    double err = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        double v = 0;
        for (int k = 0; k < e.size(); k++) {
          v += e.vectors()[i][k] * e.values()[k] * e.vectors()[j][k];
        }
        err = Math.max(err, Math.abs(v - a[i][j]));
      }
    }
    return err;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void diagonalGivesItsEntriesDescendingWithPositiveUnitVectors(Backend backend) {
    double[][] a = {{3, 0, 0, 0}, {0, -5, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}};
    SymmetricEigen e = backend.of(a);
    assertArrayEquals(new double[] {3, 1, 0, -5}, e.values(), 1e-15);
    int[] axis = {0, 2, 3, 1};
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 4; i++) {
        assertEquals(i == axis[k] ? 1 : 0, e.vectors()[i][k], 1e-15, "entry " + i + " of " + k);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void randomSpdGivesItsKnownSpectrumOrthonormalVectorsAndReconstructs(Backend backend) {
    Random r = new Random(11);
    int n = 120;
    double[] lambda = new double[n];
    for (int k = 0; k < n; k++) {
      lambda[k] = Math.pow(10, -8.0 * k / (n - 1)) * (1 + 0.5 * r.nextDouble());
    }
    double[][] a = withSpectrum(r, lambda);
    SymmetricEigen e = backend.of(a);
    double[] want = lambda.clone();
    Arrays.sort(want);
    for (int k = 0; k < n; k++) {
      assertEquals(want[n - 1 - k], e.values()[k], 1e-13 * want[n - 1], "λ" + k);
    }
    assertTrue(SvdTest.orthogonalityError(e.vectors()) < 1e-13, "QᵀQ − I");
    assertTrue(reconstructionError(a, e) < 1e-14 * want[n - 1], "A − QΛQᵀ");
    for (int k = 1; k < n; k++) {
      assertTrue(e.values()[k - 1] >= e.values()[k], "descending at " + k);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void rankDeficientPsdGivesNearZeroTailAndTheSquaredSingularValuesOfItsFactor(Backend backend) {
    Random r = new Random(12);
    int n = 90;
    int rank = 30;
    double[][] x = SvdTest.randn(r, n, rank);
    double[][] a = Dense.mul(x, Dense.transpose(x)); // X·Xᵀ: PSD of rank 30
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        a[i][j] = a[j][i];
      }
    }
    SymmetricEigen e = backend.of(a);
    double[] s = Svd.ejml(x).s();
    double top = s[0] * s[0];
    for (int k = 0; k < rank; k++) {
      assertEquals(s[k] * s[k], e.values()[k], 1e-13 * top, "λ" + k);
    }
    for (int k = rank; k < n; k++) {
      assertEquals(0, e.values()[k], 1e-13 * top, "λ" + k + " of the null space");
    }
    assertTrue(SvdTest.orthogonalityError(e.vectors()) < 1e-13, "QᵀQ − I");
    assertTrue(reconstructionError(a, e) < 1e-14 * top, "A − QΛQᵀ");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void nonSymmetricInputIsDecomposedByItsSymmetricPart(Backend backend) {
    SymmetricEigen e = backend.of(new double[][] {{2, 3}, {1, 2}}); // symmetric part [[2,2],[2,2]]
    assertArrayEquals(new double[] {4, 0}, e.values(), 1e-14);
    double h = Math.sqrt(0.5);
    assertEquals(h, e.vectors()[0][0], 1e-15);
    assertEquals(h, e.vectors()[1][0], 1e-15);
  }

  @Test
  void lapackAndEjmlAgreeOnValuesAndSignedVectorsOfADistinctSpectrum() {
    SvdTest.assumeLapack();
    Random r = new Random(13);
    double[] lambda = new double[150];
    for (int k = 0; k < lambda.length; k++) {
      lambda[k] = 1 + k + 0.3 * r.nextDouble();
    }
    double[][] a = withSpectrum(r, lambda);
    SymmetricEigen lapack = Backend.LAPACK.of(a);
    SymmetricEigen ejml = SymmetricEigen.ejml(a);
    double values = 0;
    double vectors = 0;
    for (int k = 0; k < lambda.length; k++) {
      values = Math.max(values, Math.abs(lapack.values()[k] - ejml.values()[k]));
      for (int i = 0; i < lambda.length; i++) {
        vectors = Math.max(vectors, Math.abs(lapack.vectors()[i][k] - ejml.vectors()[i][k]));
      }
    }
    assertTrue(values < 1e-12, "max |Δλ| " + values);
    assertTrue(vectors < 1e-9, "max |Δq| " + vectors);
  }

  @Test
  void nonSquareOrNonFiniteFailsClearly() {
    GraftException wide = assertThrows(GraftException.class,
        () -> SymmetricEigen.of(new double[][] {{1, 2, 3}, {4, 5, 6}}));
    assertTrue(wide.getMessage().contains("not square"), wide.getMessage());
    GraftException nan = assertThrows(GraftException.class,
        () -> SymmetricEigen.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}));
    assertTrue(nan.getMessage().contains("non-finite"), nan.getMessage());
  }

  @Test
  void backendIsTheOneSvdUses() {
    assertEquals(Svd.backend().equals("EJML"), SymmetricEigen.backend().equals("EJML"));
    SvdTest.assumeLapack();
    assertEquals(Svd.backend().replace("dgesdd", "dsyevd"), SymmetricEigen.backend());
  }

  @Test
  void propertyFalseMakesEigenUseEjmlSilently() throws Exception {
    LapackSvdTest.Probe p = LapackSvdTest.probe(SymmetricEigenProbe.class,
        List.of("-D" + LapackSvd.PROPERTY + "=false"), null);
    assertEquals("EJML 3.000000 1.000000 -5.000000\n", p.out());
    assertEquals("", p.err());
  }

  @Test
  void separateProcessUsesNativeDsyevdSilently() throws Exception {
    SvdTest.assumeLapack();
    LapackSvdTest.Probe p = LapackSvdTest.probe(SymmetricEigenProbe.class, List.of(), null);
    assertTrue(p.out().startsWith("LAPACK dsyevd (")
        && p.out().endsWith(" 3.000000 1.000000 -5.000000\n"), p.out());
    assertEquals("", p.err());
  }
}
