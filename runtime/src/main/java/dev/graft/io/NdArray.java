package dev.graft.io;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A dense n-dimensional array in memory, values in row-major (C) order, the first axis the batch:
 * what flows between Graft, ONNX Runtime and LiteRT, what backends are fed with and return, and
 * what {@code .npy} files hold. Values are {@link DType#FLOAT} ({@code float[]}), {@link
 * DType#INT64} ({@code long[]}), {@link DType#INT32} ({@code int[]}), or {@link DType#INT8},
 * {@link DType#UINT8} and {@link DType#BOOL} ({@code byte[]}).
 *
 * <pre>{@code
 * NdArray x = NdArray.of(new float[] {0f, 0.5f, 1f, 2f}, 2, 2);
 * NdArray firstRow = x.rows(0, 1);
 * double last = x.getDouble(3);
 * }</pre>
 *
 * <p>Factories take the values first, then the shape. The value array is shared, not copied:
 * treat it as read-only once made.
 */
public final class NdArray {
  private final DType type;
  private final long[] shape;
  private final float[] floats;
  private final long[] longs;
  private final int[] ints;
  private final byte[] bytes;

  private NdArray(DType type, long[] shape, float[] f, long[] l, int[] i, byte[] b) {
    this.type = type;
    this.shape = shape.clone();
    this.floats = f;
    this.longs = l;
    this.ints = i;
    this.bytes = b;
    long n = elementCount(shape);
    int len = f != null ? f.length : l != null ? l.length : i != null ? i.length : b.length;
    if (n != len) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + len);
    }
  }

  /** A float32 array. */
  public static NdArray of(float[] values, long... shape) {
    return new NdArray(DType.FLOAT, shape, values, null, null, null);
  }

  /** An int64 array. */
  public static NdArray ofLongs(long[] values, long... shape) {
    return new NdArray(DType.INT64, shape, null, values, null, null);
  }

  /** An int32 array. */
  public static NdArray ofInts(int[] values, long... shape) {
    return new NdArray(DType.INT32, shape, null, null, values, null);
  }

  /** An int8, uint8 or bool array of raw bytes (uint8 values are {@code b & 0xff}). */
  public static NdArray ofBytes(DType type, byte[] values, long... shape) {
    if (type != DType.INT8 && type != DType.UINT8 && type != DType.BOOL) {
      throw new IllegalArgumentException("bytes make int8, uint8 or bool arrays, not " + type);
    }
    return new NdArray(type, shape, null, null, null, values);
  }

  /**
   * An array decoded from little-endian bytes (read from the buffer's position to its limit).
   *
   * @throws IllegalArgumentException when the type is not held by arrays or the byte count does
   *     not match the shape
   */
  public static NdArray fromBytes(DType type, long[] shape, ByteBuffer data) {
    long n = elementCount(shape);
    if (data.remaining() != n * type.byteSize() || type.byteSize() == 0) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of "
          + type.jsonName() + " needs " + n * type.byteSize() + " bytes, got " + data.remaining());
    }
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = Math.toIntExact(n);
    switch (type) {
      case FLOAT: {
        float[] v = new float[count];
        b.asFloatBuffer().get(v);
        return of(v, shape);
      }
      case INT64: {
        long[] v = new long[count];
        b.asLongBuffer().get(v);
        return ofLongs(v, shape);
      }
      case INT32: {
        int[] v = new int[count];
        b.asIntBuffer().get(v);
        return ofInts(v, shape);
      }
      default: {
        byte[] v = new byte[count];
        b.get(v);
        return ofBytes(type, v, shape);
      }
    }
  }

  /** An array of zeros. */
  public static NdArray zeros(DType type, long... shape) {
    int n = Math.toIntExact(elementCount(shape));
    switch (type) {
      case FLOAT:
        return of(new float[n], shape);
      case INT64:
        return ofLongs(new long[n], shape);
      case INT32:
        return ofInts(new int[n], shape);
      case INT8:
      case UINT8:
      case BOOL:
        return ofBytes(type, new byte[n], shape);
      default:
        throw new IllegalArgumentException("arrays of " + type.jsonName() + " are not supported");
    }
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
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is not concrete");
      }
      n *= d;
    }
    return n;
  }

  public DType type() {
    return type;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of the first axis. */
  public int rows() {
    return shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
  }

  /** Elements per row (product of all axes but the first). */
  public int rowSize() {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return Math.toIntExact(n);
  }

  /** Number of elements. */
  public int size() {
    return Math.toIntExact(elementCount(shape));
  }

  /** The float values (shared); only for FLOAT arrays. */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("array of " + type + " has no float values");
    }
    return floats;
  }

  /** The int64 values (shared). */
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("array of " + type + " has no int64 values");
    }
    return longs;
  }

  /** The int32 values (shared). */
  public int[] ints() {
    if (ints == null) {
      throw new IllegalStateException("array of " + type + " has no int32 values");
    }
    return ints;
  }

  /** The raw bytes (shared) of an int8, uint8 or bool array. */
  public byte[] bytes() {
    if (bytes == null) {
      throw new IllegalStateException("array of " + type + " has no byte values");
    }
    return bytes;
  }

  /** Element {@code i} (row-major flat index) widened to double; uint8 as 0..255. */
  public double getDouble(int i) {
    if (floats != null) {
      return floats[i];
    } else if (longs != null) {
      return longs[i];
    } else if (ints != null) {
      return ints[i];
    }
    return type == DType.INT8 ? bytes[i] : bytes[i] & 0xff;
  }

  /** Values converted to float, whatever the type (a copy unless already float). */
  public float[] asFloats() {
    if (floats != null) {
      return floats;
    }
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) getDouble(i);
    }
    return out;
  }

  /** A new little-endian buffer holding the values, positioned at 0, for native runtimes. */
  public ByteBuffer data() {
    ByteBuffer b = ByteBuffer.allocate(size() * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    putValues(b);
    ((Buffer) b).rewind();
    return b;
  }

  /** Puts the values, little-endian, at {@code b}'s position and moves it past them. */
  void putValues(ByteBuffer b) {
    ByteBuffer le = b.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (floats != null) {
      le.asFloatBuffer().put(floats);
    } else if (longs != null) {
      le.asLongBuffer().put(longs);
    } else if (ints != null) {
      le.asIntBuffer().put(ints);
    } else {
      le.put(bytes);
    }
    ((Buffer) b).position(b.position() + size() * type.byteSize());
  }

  /** A copy with element {@code i} replaced by {@code value} (converted to this type). */
  public NdArray withElement(int i, double value) {
    NdArray out = rows(0, rows()).reshape(shape);
    if (floats != null) {
      out.floats[i] = (float) value;
    } else if (longs != null) {
      out.longs[i] = (long) value;
    } else if (ints != null) {
      out.ints[i] = (int) value;
    } else {
      out.bytes[i] = (byte) (long) value;
    }
    return out;
  }

  /** Rows {@code [start, start+count)} as a new array. */
  public NdArray rows(int start, int count) {
    int rs = rowSize();
    long[] s = shape.length == 0 ? new long[0] : shape.clone();
    if (s.length > 0) {
      s[0] = count;
    }
    int from = start * rs;
    int to = from + count * rs;
    return new NdArray(type, s,
        floats == null ? null : Arrays.copyOfRange(floats, from, to),
        longs == null ? null : Arrays.copyOfRange(longs, from, to),
        ints == null ? null : Arrays.copyOfRange(ints, from, to),
        bytes == null ? null : Arrays.copyOfRange(bytes, from, to));
  }

  /** Rows picked by index, in the order given. */
  public NdArray gather(int[] rowIndices) {
    int rs = rowSize();
    long[] s = shape.clone();
    s[0] = rowIndices.length;
    NdArray out = zeros(type, s);
    for (int k = 0; k < rowIndices.length; k++) {
      System.arraycopy(values(), rowIndices[k] * rs, out.values(), k * rs, rs);
    }
    return out;
  }

  /** The same values seen with another shape of equal size. */
  public NdArray reshape(long... newShape) {
    return new NdArray(type, newShape, floats, longs, ints, bytes);
  }

  /** Concatenates arrays of equal type and row shape along the first axis. */
  public static NdArray concatRows(List<NdArray> parts) {
    NdArray first = parts.get(0);
    long rows = 0;
    for (NdArray p : parts) {
      rows += p.shape[0];
    }
    long[] s = first.shape.clone();
    s[0] = rows;
    NdArray out = zeros(first.type, s);
    int at = 0;
    for (NdArray p : parts) {
      int n = p.size();
      System.arraycopy(p.values(), 0, out.values(), at, n);
      at += n;
    }
    return out;
  }

  private Object values() {
    return floats != null ? floats : longs != null ? longs : ints != null ? ints : bytes;
  }

  @Override
  public String toString() {
    return type.jsonName() + Arrays.toString(shape);
  }
}
