package dev.graft.runtime.tflite;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.TensorSpec;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.lite.DataType;

/** TFLite tensor metadata and buffers to {@link TensorSpec} and {@link NdArray}; plain logic. */
public final class TfliteTensors {
  private TfliteTensors() {}

  /**
   * The element type for a TFLite data type.
   *
   * @throws BenchmarkException UNSUPPORTED_MODEL naming the tensor for types the benchmark cannot
   *     feed or compare (string, bool, int16, …)
   */
  public static DType dtype(DataType t, String kind, String name) throws BenchmarkException {
    switch (t) {
      case FLOAT32:
        return DType.FLOAT;
      case INT8:
        return DType.INT8;
      case UINT8:
        return DType.UINT8;
      case INT32:
        return DType.INT32;
      case INT64:
        return DType.INT64;
      default:
        throw new BenchmarkException(
            BenchmarkException.Code.UNSUPPORTED_MODEL,
            "Model " + kind + " '" + name + "' has element type " + t
                + ", expected one of [float32, int8, uint8, int32, int64]");
    }
  }

  /** A spec from a tensor's index, name, type and shape signature (-1 for dynamic). */
  public static TensorSpec spec(int index, String kind, String name, DataType type, int[] signature)
      throws BenchmarkException {
    return new TensorSpec(index, name, dtype(type, kind, name), toLongs(signature));
  }

  /** TFLite's int shape from a long shape. */
  public static int[] toInts(long[] shape) {
    int[] s = new int[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (int) shape[i];
    }
    return s;
  }

  public static long[] toLongs(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }

  /** A direct native-order buffer holding {@code array}'s bytes, positioned at 0. */
  public static ByteBuffer directCopy(NdArray array) {
    ByteBuffer b =
        ByteBuffer.allocateDirect((int) (array.size() * array.type().byteSize()))
            .order(ByteOrder.nativeOrder());
    b.put(array.data());
    ((Buffer) b).rewind();
    return b;
  }

  /** An array from a filled output buffer (read from 0 to its capacity). */
  public static NdArray toArray(DType dtype, int[] shape, ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    ((Buffer) view).clear();
    return NdArray.fromBytes(dtype, toLongs(shape), view.order(ByteOrder.LITTLE_ENDIAN));
  }
}
