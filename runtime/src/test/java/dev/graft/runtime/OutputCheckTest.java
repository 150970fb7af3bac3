package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputCheckTest {
  private static final List<TensorSpec> SPECS =
      Collections.singletonList(new TensorSpec(0, "y", DType.FLOAT, new long[] {4}));

  private static OutputCheck check(float[] actual, float[] expected, double atol, double rtol) {
    return OutputCheck.compare(SPECS,
        Collections.singletonList(NdArray.of(actual, new long[] {actual.length})),
        Collections.singletonList(NdArray.of(expected, new long[] {expected.length})),
        atol, rtol);
  }

  @Test
  void toleranceIsAbsolutePlusRelativeToReference() {
    // |a - r| <= atol + rtol * |r|: 100 vs 100.09 passes with atol 0.01, rtol 1e-3 (bound 0.11)
    OutputCheck ok = check(new float[] {100.09f, 0, 1, 2}, new float[] {100, 0, 1, 2}, 0.01, 1e-3);
    assertTrue(ok.passed());
    assertEquals(0.09, ok.outputs().get(0).maxAbsErr(), 1e-4);
    OutputCheck bad = check(new float[] {100.2f, 0, 1, 2}, new float[] {100, 0, 1, 2}, 0.01, 1e-3);
    assertFalse(bad.passed());
    assertEquals(1, bad.outputs().get(0).mismatches());
    assertEquals("1 of 4 elements outside tolerance", bad.outputs().get(0).reason());
  }

  @Test
  void nanWhereReferenceIsFiniteFails() {
    OutputCheck c = check(new float[] {Float.NaN, 0, 1, 2}, new float[] {0, 0, 1, 2}, 1, 1);
    assertEquals(OutputCheck.Status.FAILED, c.status());
    assertTrue(Double.isNaN(c.outputs().get(0).maxAbsErr()));
  }

  @Test
  void shapeAndCountMismatchesFailWithReasons() {
    OutputCheck shape = OutputCheck.compare(SPECS,
        Collections.singletonList(NdArray.of(new float[4], new long[] {2, 2})),
        Collections.singletonList(NdArray.of(new float[4], new long[] {4})), 0, 0);
    assertFalse(shape.passed());
    assertEquals("shape [2, 2] differs from reference [4]", shape.outputs().get(0).reason());
    OutputCheck count = OutputCheck.compare(SPECS,
        Collections.singletonList(NdArray.of(new float[4], new long[] {4})),
        Arrays.asList(NdArray.of(new float[4], new long[] {4}),
            NdArray.of(new float[4], new long[] {4})), 0, 0);
    assertEquals("Model has 1 outputs but 2 reference outputs were given", count.reason());
  }
}
