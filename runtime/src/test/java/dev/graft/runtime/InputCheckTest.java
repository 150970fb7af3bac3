package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

  @Test
  void int64TokenIdsAreNarrowedForAnInt32InputWhenEveryValueFits() throws Exception {
    TensorSpec ids = new TensorSpec(0, "input_ids", DType.INT32, new long[] {1, -1});
    NdArray a = InputCheck.fit(Collections.singletonList(ids), Collections.singletonList(
        NdArray.ofLongs(new long[] {101, -2147483648L, 2147483647L}, 1, 3))).get(0);
    assertEquals(DType.INT32, a.type());
    assertArrayEquals(new int[] {101, -2147483648, 2147483647}, a.ints());
  }

  @Test
  void int64IdOutsideInt32IsABadInputNamingTheInputAndTheValue() {
    TensorSpec ids = new TensorSpec(0, "input_ids", DType.INT32, new long[] {1, 3});
    BenchmarkException e = assertThrows(BenchmarkException.class, () -> InputCheck.fit(
        Collections.singletonList(ids), Collections.singletonList(
            NdArray.ofLongs(new long[] {1, 2147483648L, -5000000000L}, 1, 3))));
    assertEquals(BenchmarkException.Code.BAD_INPUT, e.code());
    assertEquals("Input 0 for model input 'input_ids' (int32) holds int64 value 2147483648 at"
        + " element 1, which does not fit int32", e.getMessage());
  }

  @Test
  void int32IdsAreWidenedForAnInt64Input() throws Exception {
    TensorSpec ids = new TensorSpec(0, "input_ids", DType.INT64, new long[] {1, 2});
    NdArray a = InputCheck.fit(Collections.singletonList(ids), Collections.singletonList(
        NdArray.ofInts(new int[] {-7, 2147483647}, 1, 2))).get(0);
    assertEquals(DType.INT64, a.type());
    assertArrayEquals(new long[] {-7, 2147483647L}, a.longs());
  }
}
