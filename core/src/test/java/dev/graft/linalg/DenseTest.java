package dev.graft.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DenseTest {
  @Test
  void traceQuadraticEqualsTheTraceOfTheFullProduct() {
    Random r = new Random(11);
    double[][] x = SvdTest.randn(r, 30, 13);
    double[][] c = Dense.mul(Dense.transpose(x), x); // symmetric 13×13
    double[][] a = SvdTest.randn(r, 7, 13);
    a[2] = new double[13]; // a zero row adds nothing
    a[4][5] = 0;
    double[][] ac = Dense.mul(a, c);
    double expected = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < 13; j++) {
        expected += ac[i][j] * a[i][j];
      }
    }
    double got = Dense.traceQuadratic(a, c);
    assertEquals(expected, got, 1e-12 * Math.abs(expected));
    double[] e = new double[13]; // e₃ + 3·e₈: C₃₃ + 6·C₃₈ + 9·C₈₈
    e[3] = 1;
    e[8] = 3;
    assertEquals(c[3][3] + 6 * c[3][8] + 9 * c[8][8], Dense.traceQuadratic(new double[][] {e}, c),
        1e-12 * c[8][8]);
  }
}
