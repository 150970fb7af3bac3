package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.graft.io.NdArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpreadSourceTest {
  private static ArraySource rows(int n) {
    float[] v = new float[n * 2];
    for (int i = 0; i < n; i++) {
      v[2 * i] = i;
      v[2 * i + 1] = -i;
    }
    return ArraySource.of(Map.of("x", NdArray.of(v, n, 2)));
  }

  @Test
  void takesEvenlySpacedSamplesOfTheWholeSetInOrder() {
    CalibrationSource s = SpreadSource.of(rows(10), 4);
    assertEquals(4, s.size());
    assertArrayEquals(new float[] {0, 0, 2, -2, 5, -5, 7, -7}, s.batch(0, 4).get("x").floats());
    assertArrayEquals(new float[] {5, -5, 7, -7}, s.batch(2, 2).get("x").floats());
    assertEquals("4 samples spread over " + rows(10).describe(), s.describe());
  }

  @Test
  void aSourceWithFewerSamplesIsUsedAsItIs() {
    ArraySource small = rows(3);
    assertSame(small, SpreadSource.of(small, 4));
  }
}
