package dev.graft.runtime;

import dev.graft.io.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded inputs for a model without reference data: float32 uniform in [0, 1), int8 and uint8
 * uniform over their whole range, int32 and int64 zeros (valid for index inputs such as token
 * ids). Dynamic dimensions become 1.
 */
final class SyntheticInputs {
  private SyntheticInputs() {}

  static List<NdArray> make(List<TensorSpec> specs, long seed) {
    Random random = new Random(seed);
    List<NdArray> out = new ArrayList<>();
    for (TensorSpec spec : specs) {
      long[] shape = spec.concreteShape();
      int n = (int) NdArray.elementCount(shape);
      ByteBuffer b =
          ByteBuffer.allocate(n * spec.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      switch (spec.dtype()) {
        case FLOAT:
          for (int i = 0; i < n; i++) {
            b.putFloat(random.nextFloat());
          }
          break;
        case INT8:
        case UINT8:
          byte[] bytes = new byte[n];
          random.nextBytes(bytes);
          b.put(bytes);
          break;
        default:
          break; // zeros
      }
      ((java.nio.Buffer) b).rewind();
      out.add(NdArray.fromBytes(spec.dtype(), shape, b));
    }
    return out;
  }
}
