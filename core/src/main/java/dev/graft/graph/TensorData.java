package dev.graft.graph;

import dev.graft.io.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named constant tensor (a weight, a bias, a shape constant): element type, sizes and raw
 * little-endian bytes, kept exactly as read so that weights Graft does not touch are written back
 * bit for bit. Immutable.
 */
public final class TensorData {
  private final String name;
  private final DType type;
  private final long[] dims;
  private final byte[] raw;

  private TensorData(String name, DType type, long[] dims, byte[] raw) {
    this.name = Objects.requireNonNull(name);
    this.type = Objects.requireNonNull(type);
    this.dims = dims.clone();
    this.raw = raw;
    long expected = elementCount() * type.byteSize();
    if (type != DType.STRING && raw.length != expected) {
      throw new IllegalArgumentException(
          "tensor " + name + " " + type + Arrays.toString(dims) + " needs " + expected
              + " bytes, has " + raw.length);
    }
  }

  /** Wraps little-endian bytes; the array is copied. */
  public static TensorData ofRaw(String name, DType type, long[] dims, byte[] raw) {
    return new TensorData(name, type, dims, raw.clone());
  }

  public static TensorData ofFloats(String name, long[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new TensorData(name, DType.FLOAT, dims, b.array());
  }

  public static TensorData ofLongs(String name, long[] dims, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return new TensorData(name, DType.INT64, dims, b.array());
  }

  public static TensorData ofInts(String name, long[] dims, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return new TensorData(name, DType.INT32, dims, b.array());
  }

  /** A 1-D int64 tensor, the usual form of shapes, axes and indices. */
  public static TensorData vector(String name, long... values) {
    return ofLongs(name, new long[] {values.length}, values);
  }

  public static TensorData scalar(String name, float value) {
    return ofFloats(name, new long[0], new float[] {value});
  }

  public String name() {
    return name;
  }

  public DType type() {
    return type;
  }

  public long[] dims() {
    return dims.clone();
  }

  public Shape shape() {
    return Shape.of(dims);
  }

  public int rank() {
    return dims.length;
  }

  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** The raw little-endian bytes (a copy). */
  public byte[] raw() {
    return raw.clone();
  }

  /** A read-only little-endian view of the bytes, without copying. */
  public ByteBuffer buffer() {
    return ByteBuffer.wrap(raw).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  public TensorData withName(String newName) {
    return new TensorData(newName, type, dims, raw);
  }

  /** The same bytes seen with other sizes of equal element count. */
  public TensorData reshaped(long... newDims) {
    return new TensorData(name, type, newDims, raw);
  }

  /** Values as float, converting from any numeric element type. */
  public float[] floats() {
    int n = Math.toIntExact(elementCount());
    float[] out = new float[n];
    ByteBuffer b = buffer();
    for (int i = 0; i < n; i++) {
      out[i] = (float) readAsDouble(b, i);
    }
    return out;
  }

  /** Values as long, converting from any numeric element type (floats are truncated). */
  public long[] longs() {
    int n = Math.toIntExact(elementCount());
    long[] out = new long[n];
    ByteBuffer b = buffer();
    for (int i = 0; i < n; i++) {
      out[i] = type.isFloating() ? (long) readAsDouble(b, i) : readAsLong(b, i);
    }
    return out;
  }

  public double[] doubles() {
    int n = Math.toIntExact(elementCount());
    double[] out = new double[n];
    ByteBuffer b = buffer();
    for (int i = 0; i < n; i++) {
      out[i] = readAsDouble(b, i);
    }
    return out;
  }

  private double readAsDouble(ByteBuffer b, int i) {
    switch (type) {
      case FLOAT:
        return b.getFloat(i * 4);
      case DOUBLE:
        return b.getDouble(i * 8);
      case FLOAT16:
        return Half.toFloat(b.getShort(i * 2));
      case BFLOAT16:
        return Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
      default:
        return readAsLong(b, i);
    }
  }

  private long readAsLong(ByteBuffer b, int i) {
    switch (type) {
      case INT64:
      case UINT64:
        return b.getLong(i * 8);
      case INT32:
        return b.getInt(i * 4);
      case UINT32:
        return b.getInt(i * 4) & 0xffffffffL;
      case INT16:
        return b.getShort(i * 2);
      case UINT16:
        return b.getShort(i * 2) & 0xffff;
      case INT8:
        return b.get(i);
      case UINT8:
      case BOOL:
        return b.get(i) & 0xff;
      default:
        throw new IllegalStateException("tensor " + name + " of type " + type + " is not numeric");
    }
  }

  /** Bitwise equality of name, type, sizes and bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t
        && t.name.equals(name)
        && t.type == type
        && Arrays.equals(t.dims, dims)
        && Arrays.equals(t.raw, raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, Arrays.hashCode(dims));
  }

  @Override
  public String toString() {
    return name + ":" + type + Arrays.toString(dims);
  }
}
