package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class InputCheckTest {
  private static final TensorSpec NHWC =
      new TensorSpec(0, "input", DType.FLOAT, new long[] {1, 240, 320, 3});

  @Test
  void nchwImagesForAChannelsLastModelSayToTransposeOrConvertWithNchwIo() {
    BenchmarkException e = assertThrows(BenchmarkException.class, () -> InputCheck.fit(
        Collections.singletonList(NHWC),
        Collections.singletonList(NdArray.zeros(DType.FLOAT, 1, 3, 240, 320))));
    assertEquals(BenchmarkException.Code.BAD_INPUT, e.code());
    assertEquals("Input 0 is float32[1, 3, 240, 320] but model input 'input' takes"
        + " float32[1, 240, 320, 3] (-1: any size); the model takes channels-last (NHWC) images"
        + " and these are NCHW: transpose them (graft convert --io-layout nchw writes a file"
        + " that takes NCHW)", e.getMessage());
  }

  @Test
  void otherShapesGetNoLayoutHint() {
    BenchmarkException e = assertThrows(BenchmarkException.class, () -> InputCheck.fit(
        Collections.singletonList(NHWC),
        Collections.singletonList(NdArray.zeros(DType.FLOAT, 1, 3, 320, 240))));
    assertEquals("Input 0 is float32[1, 3, 320, 240] but model input 'input' takes"
        + " float32[1, 240, 320, 3] (-1: any size)", e.getMessage());
  }
}
