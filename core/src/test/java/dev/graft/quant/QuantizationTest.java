package dev.graft.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Affine activation parameters and per-channel symmetric weights. */
class QuantizationTest {
  @ParameterizedTest
  @CsvSource({"-0.3, 5.2", "-4.0, -1.0", "0.5, 3.0", "-1.0, 1.0"})
  void asymmetricParametersHoldZeroExactlyAndRoundTripWithinHalfAStep(float lo, float hi) {
    QuantParams p = QuantParams.asymmetric(lo, hi);
    assertEquals(0f, p.dequantize(p.quantize(0f)), 0f);
    // the range is widened to hold 0, and its ends map inside [-128, 127]
    float a = Math.min(lo, 0);
    float b = Math.max(hi, 0);
    assertEquals((b - a) / 255f, p.scale(), 1e-6f);
    for (int i = 0; i <= 1000; i++) {
      float x = a + (b - a) * i / 1000f;
      float err = Math.abs(p.dequantize(p.quantize(x)) - x);
      assertTrue(err <= p.scale() * 0.5f + 1e-6f + Math.abs(x) * 1e-6f, x + " -> err " + err);
    }
  }

  @Test
  void valuesOutsideTheRangeSaturate() {
    QuantParams p = QuantParams.asymmetric(-1f, 1f);
    assertEquals(127, p.quantize(100f));
    assertEquals(-128, p.quantize(-100f));
  }

  @Test
  void perChannelWeightsUseEachChannelsOwnScale() {
    // 3 output channels (axis 0) of 4 values with very different magnitudes
    float[] w = {1, -2, 0.5f, 2, 0.01f, 0.02f, -0.03f, 0, 0, 0, 0, 0};
    Int8Weights q = Int8Weights.perChannel(w, new int[] {3, 4}, 0);
    assertArrayEquals(new float[] {2f / 127, 0.03f / 127, 1f}, q.scales(), 1e-9f);
    assertEquals(127, q.values()[3]);
    assertEquals(-127, q.values()[6]);
    assertTrue(q.maxError(w, new int[] {3, 4}, 0) <= 2f / 127 / 2 + 1e-7f);
  }

  @Test
  void perChannelErrorIsAtMostHalfAStepOnRandomFilters() {
    Random r = new Random(3);
    int[] shape = {8, 3, 3, 16}; // OHWI, channels on axis 3 as TFLite depthwise filters hold them
    float[] w = new float[8 * 3 * 3 * 16];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * (1 + i % 16);
    }
    Int8Weights q = Int8Weights.perChannel(w, shape, 3);
    assertEquals(16, q.scales().length);
    float largest = 0;
    for (float s : q.scales()) {
      largest = Math.max(largest, s);
    }
    assertTrue(q.maxError(w, shape, 3) <= largest / 2 * 1.0001f);
  }
}
