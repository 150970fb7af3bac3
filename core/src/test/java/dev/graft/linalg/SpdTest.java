package dev.graft.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpdTest {
  private static double[][] gram(double[][] x) {
    return Dense.mul(Dense.transpose(x), x);
  }

  private static double maxResidual(double[][] a, double[][] x, double[][] b) {
    double[][] ax = Dense.mul(a, x);
    double err = 0;
    for (int i = 0; i < b.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        err = Math.max(err, Math.abs(ax[i][j] - b[i][j]));
      }
    }
    return err;
  }

  @Test
  void solvesPositiveDefiniteSystemExactlyWithoutRidge() {
    Random r = new Random(1);
    double[][] g = gram(SvdTest.randn(r, 50, 8));
    double[][] b = SvdTest.randn(r, 8, 3);
    assertTrue(maxResidual(g, Spd.solve(g, b, 0), b) < 1e-10);
  }

  @Test
  void ridgeIsRelativeToTheMeanDiagonalOfThePenalizedUnknowns() {
    double[][] g = {{4, 1, 0}, {1, 2, 0}, {0, 0, 6}};
    double[][] b = {{1}, {2}, {3}};
    // every unknown penalized: λ = 0.5 × mean(4, 2, 6) = 2
    double[][] x = Spd.solve(g, b, 0.5);
    double[][] shifted = {{6, 1, 0}, {1, 4, 0}, {0, 0, 8}};
    assertTrue(maxResidual(shifted, x, b) < 1e-12);
    // the first two penalized only: λ = 0.5 × mean(4, 2) = 1.5, the third unknown is free
    double[] flat = {4, 1, 0, 1, 2, 0, 0, 0, 6};
    double[] y = Spd.solve(flat, new double[] {1, 2, 3}, 3, 1, 0.5, 2);
    double[][] partial = {{5.5, 1, 0}, {1, 3.5, 0}, {0, 0, 6}};
    assertTrue(maxResidual(partial, new double[][] {{y[0]}, {y[1]}, {y[2]}}, b) < 1e-12);
    assertEquals(0.5, y[2], 1e-12);
  }

  @Test
  void unknownsThatNeverVaryGetTheMinimumNormAnswerZero() {
    // a channel that is zero on every calibration row: its Gram matrix and right side are zero
    double[][] x = Spd.solve(new double[][] {{0}}, new double[][] {{0, 0}}, 0);
    assertEquals(0, x[0][0], 0);
    assertEquals(0, x[0][1], 0);
  }

  @Test
  void indefiniteMatrixFailsClearlyInsteadOfReturningGarbage() {
    double[][] g = {{1, 2}, {2, 1}}; // eigenvalues 3 and −1
    GraftException e =
        assertThrows(GraftException.class, () -> Spd.solve(g, new double[][] {{1}, {1}}, 1e-6));
    assertEquals(GraftException.Kind.FAILURE, e.kind());
    assertTrue(e.getMessage().contains("2x2 linear system is not positive definite"),
        e.getMessage());
    double[][] nan = {{1, Double.NaN}, {Double.NaN, 1}};
    assertThrows(GraftException.class, () -> Spd.solve(nan, new double[][] {{1}, {1}}, 0));
  }

  @Test
  void singularGramMatrixIsSolvedWithASmallRetryRidge() {
    Random r = new Random(2);
    double[][] x = SvdTest.randn(r, 30, 10);
    for (double[] row : x) {
      row[9] = row[0] + row[1]; // rank 9
    }
    double[][] g = gram(x);
    double[][] b = Dense.mul(g, SvdTest.randn(r, 10, 2)); // in the range of g
    double[][] sol = Spd.solve(g, b, 0);
    double scale = Math.sqrt(Dense.frobenius2(b));
    assertTrue(maxResidual(g, sol, b) < 1e-6 * scale, "residual " + maxResidual(g, sol, b));
  }
}
