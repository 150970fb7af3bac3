package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {
  private static final double EPS = 1e-12;

  @Test
  void percentilesOfOneToTenMatchNumpyLinearInterpolation() {
    // numpy.percentile(range(1, 11), [50, 90, 99]) == [5.5, 9.1, 9.91]
    Stats s = Stats.of(new double[] {7, 3, 10, 1, 5, 9, 2, 8, 6, 4});
    assertEquals(5.5, s.p50(), EPS);
    assertEquals(9.1, s.p90(), EPS);
    assertEquals(9.91, s.p99(), EPS);
    assertEquals(1, s.min(), EPS);
    assertEquals(10, s.max(), EPS);
    assertEquals(10, s.count());
  }

  @Test
  void meanAndSampleStandardDeviation() {
    Stats s = Stats.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
    assertEquals(5.0, s.mean(), EPS);
    // sum of squared deviations 32, n - 1 = 7
    assertEquals(Math.sqrt(32.0 / 7.0), s.std(), EPS);
  }

  @Test
  void percentileEndpointsAreMinAndMaxAndOddCountHasExactMedian() {
    double[] sorted = {1.5, 2.5, 10};
    assertEquals(1.5, Stats.percentile(sorted, 0), EPS);
    assertEquals(10, Stats.percentile(sorted, 100), EPS);
    assertEquals(2.5, Stats.percentile(sorted, 50), EPS);
    // h = 2 * 0.9 = 1.8 -> 2.5 + 0.8 * 7.5
    assertEquals(8.5, Stats.percentile(sorted, 90), EPS);
  }

  @Test
  void singleSampleHasZeroSpread() {
    Stats s = Stats.of(new double[] {3.25});
    assertEquals(0.0, s.std(), EPS);
    assertEquals(3.25, s.p99(), EPS);
  }

  @Test
  void rejectsNoSamplesAndPercentilesOutsideRange() {
    assertThrows(IllegalArgumentException.class, () -> Stats.of(new double[0]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[] {1}, 101));
    assertEquals("Percentile must be in [0, 100], got 101.0", e.getMessage());
  }
}
