package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.io.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Full-int8 calibration keeps its memory bounded on large inputs: 512 images of 224×224 and
 * every activation of MobileNetV3-small ran graft's 1 GiB heap out of memory.
 */
class CalibratorTest {

  @Test
  void onlyTheRowsProbedAreCopiedIntoTheFilesAxisOrder() {
    int rows = 300;
    float[] x = new float[rows * 3 * 2 * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    ConvertResult.Io io = new ConvertResult.Io("input", true, new long[] {1, 3, 2, 2}, true);
    List<NdArray> got = Calibrator.ordered(Map.of("input", NdArray.of(x, rows, 3, 2, 2)),
        List.of(io));
    assertArrayEquals(new long[] {Calibrator.MAX_ROWS, 2, 2, 3}, got.get(0).shape());
    assertEquals(4f, got.get(0).floats()[1], 0f); // channel 1 of pixel (0, 0), NHWC
  }

  @Test
  void fewerRowsAreProbedWhereActivationsAreLarge() {
    assertEquals(Calibrator.MAX_ROWS, Calibrator.rows(10_000));
    assertEquals(32, Calibrator.rows(4L << 20)); // 16 MB a sample: 32 in 512 MB
    assertEquals(Calibrator.MIN_ROWS, Calibrator.rows(1L << 30));
  }
}
