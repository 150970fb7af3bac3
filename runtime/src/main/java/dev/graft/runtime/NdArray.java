package dev.graft.runtime;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense n-dimensional array in row-major order: an element type, a shape and little-endian
 * bytes. It is what backends are fed with and what they return, and what {@code .npy} files hold.
 *
 * <pre>{@code
 * NdArray x = NdArray.ofFloats(new long[] {1, 3}, new float[] {0f, 0.5f, 1f});
 * double second = x.getDouble(1);
 * }</pre>
 *
 * <p>Instances are immutable: {@link #data()} returns a read-only view.
 */
public final class NdArray {
  private final DType dtype;
  private final long[] shape;
  private final ByteBuffer data;

  private NdArray(DType dtype, long[] shape, ByteBuffer data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /**
   * An array over a copy of {@code bytes} (read from its position to its limit).
   *
   * @throws IllegalArgumentException when the byte count does not match the shape and type
   */
  public static NdArray of(DType dtype, long[] shape, ByteBuffer bytes) {
    long count = elementCount(shape);
    long expected = count * dtype.byteSize();
    if (bytes.remaining() != expected) {
      throw new IllegalArgumentException(
          "Shape " + Arrays.toString(shape) + " of " + dtype.jsonName() + " needs " + expected
              + " bytes, got " + bytes.remaining());
    }
    ByteBuffer copy = ByteBuffer.allocateDirect((int) expected).order(ByteOrder.LITTLE_ENDIAN);
    copy.put(bytes.duplicate());
    ((Buffer) copy).rewind();
    return new NdArray(dtype, shape.clone(), copy);
  }

  /** A float32 array holding {@code values}. */
  public static NdArray ofFloats(long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return of(DType.FLOAT32, shape, b);
  }

  /** An array of zeros. */
  public static NdArray zeros(DType dtype, long[] shape) {
    return of(dtype, shape, ByteBuffer.allocate((int) (elementCount(shape) * dtype.byteSize())));
  }

  /**
   * Product of the dimensions; a scalar (empty shape) has one element.
   *
   * @throws IllegalArgumentException for a negative (unresolved) dimension
   */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " is not concrete");
      }
      n *= d;
    }
    return n;
  }

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public long size() {
    return elementCount(shape);
  }

  /** A read-only little-endian view of the bytes, positioned at 0. */
  public ByteBuffer data() {
    return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Element {@code i} (row-major flat index) widened to double. */
  public double getDouble(long i) {
    int off = (int) (i * dtype.byteSize());
    switch (dtype) {
      case FLOAT32:
        return data.getFloat(off);
      case INT8:
        return data.get(off);
      case UINT8:
        return data.get(off) & 0xff;
      case INT32:
        return data.getInt(off);
      case INT64:
        return data.getLong(off);
      default:
        throw new IllegalStateException(dtype.name());
    }
  }

  /** This array's elements as floats (converted from any type). */
  public float[] toFloats() {
    float[] out = new float[(int) size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) getDouble(i);
    }
    return out;
  }

  /** A copy with element {@code i} replaced by {@code value} (converted to this type). */
  public NdArray withElement(long i, double value) {
    ByteBuffer b = ByteBuffer.allocate(data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(data.duplicate());
    int off = (int) (i * dtype.byteSize());
    switch (dtype) {
      case FLOAT32:
        b.putFloat(off, (float) value);
        break;
      case INT8:
      case UINT8:
        b.put(off, (byte) (long) value);
        break;
      case INT32:
        b.putInt(off, (int) value);
        break;
      case INT64:
        b.putLong(off, (long) value);
        break;
      default:
        throw new IllegalStateException(dtype.name());
    }
    ((Buffer) b).rewind();
    return of(dtype, shape, b);
  }

  @Override
  public String toString() {
    return dtype.jsonName() + Arrays.toString(shape);
  }
}
