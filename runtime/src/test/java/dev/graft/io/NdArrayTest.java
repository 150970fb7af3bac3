package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NdArrayTest {
  @Test
  void everyHeldTypeSurvivesItsLittleEndianBytes() {
    NdArray[] arrays = {
      NdArray.of(new float[] {0.5f, -1f, Float.NEGATIVE_INFINITY}, 3),
      NdArray.ofLongs(new long[] {Long.MIN_VALUE, 7}, 2, 1),
      NdArray.ofInts(new int[] {Integer.MAX_VALUE, -5}, 1, 2),
      NdArray.ofBytes(DType.INT8, new byte[] {-128, 127}, 2),
      NdArray.ofBytes(DType.UINT8, new byte[] {0, (byte) 255}, 2),
      NdArray.ofBytes(DType.BOOL, new byte[] {1, 0}, 2),
    };
    for (NdArray a : arrays) {
      ByteBuffer bytes = a.data();
      assertEquals(ByteOrder.LITTLE_ENDIAN, bytes.order());
      NdArray back = NdArray.fromBytes(a.type(), a.shape(), bytes);
      assertEquals(a.toString(), back.toString());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.getDouble(i), back.getDouble(i), 0, a + " element " + i);
      }
    }
    assertEquals(255.0, arrays[4].getDouble(1), 0);
    assertEquals(-128.0, arrays[3].getDouble(0), 0);
  }

  @Test
  void rowsGatherAndConcatenationKeepValuesInRowOrder() {
    NdArray x = NdArray.ofInts(new int[] {0, 1, 2, 3, 4, 5}, 3, 2);
    assertArrayEquals(new int[] {2, 3, 4, 5}, x.rows(1, 2).ints());
    assertArrayEquals(new long[] {2, 2}, x.rows(1, 2).shape());
    assertArrayEquals(new int[] {4, 5, 0, 1}, x.gather(new int[] {2, 0}).ints());
    NdArray joined = NdArray.concatRows(Arrays.asList(x.rows(2, 1), x.rows(0, 2)));
    assertArrayEquals(new int[] {4, 5, 0, 1, 2, 3}, joined.ints());
    assertArrayEquals(new long[] {3, 2}, joined.shape());
    assertEquals(2, x.rowSize());
    assertEquals(3, x.rows());
  }

  @Test
  void withElementCopiesAndLeavesTheOriginal() {
    NdArray x = NdArray.of(new float[] {1, 2, 3}, 3);
    NdArray y = x.withElement(1, 9.5);
    assertArrayEquals(new float[] {1, 2, 3}, x.floats());
    assertArrayEquals(new float[] {1, 9.5f, 3}, y.floats());
    NdArray s = NdArray.ofLongs(new long[] {4}).withElement(0, 6);
    assertArrayEquals(new long[] {6}, s.longs());
  }

  @Test
  void wrongSizesTypesAndShapesAreRefused() {
    assertEquals("shape [2, 2] needs 4 values, got 3", assertThrows(
        IllegalArgumentException.class, () -> NdArray.of(new float[3], 2, 2)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> NdArray.zeros(DType.FLOAT16, 2));
    assertThrows(IllegalArgumentException.class,
        () -> NdArray.ofBytes(DType.INT32, new byte[4], 4));
    assertThrows(IllegalArgumentException.class, () -> NdArray.elementCount(new long[] {-1, 3}));
    assertThrows(IllegalStateException.class, () -> NdArray.ofInts(new int[1], 1).floats());
    assertThrows(IllegalArgumentException.class,
        () -> NdArray.fromBytes(DType.FLOAT, new long[] {2}, ByteBuffer.allocate(4)));
  }

  @Test
  void elementTypesCarryTheirOnnxCodeResultNameAndNpyDescr() {
    for (DType t : DType.values()) {
      assertEquals(t, DType.fromOnnx(t.onnxCode()));
      if (t.npyDescr() != null) {
        assertEquals(t, DType.fromNpyDescr(t.npyDescr()));
      }
    }
    assertEquals("float32", DType.FLOAT.jsonName());
    assertEquals(DType.FLOAT, DType.fromNpyDescr("=f4"));
    assertEquals(null, DType.fromNpyDescr(">f4"));
    assertEquals(null, DType.fromNpyDescr("|f4"));
    assertEquals(GraftException.Kind.BAD_INPUT,
        assertThrows(GraftException.class, () -> DType.fromOnnx(99)).kind());
  }
}
