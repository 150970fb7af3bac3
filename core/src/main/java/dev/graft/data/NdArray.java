package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.graph.DType;
import java.util.Arrays;

/**
 * A dense array in memory: float32, int64 or int32 values in C order with a shape whose first axis
 * is the batch. This is what flows between Graft and ONNX Runtime. The value array is shared, not
 * copied: treat it as read-only once made.
 */
public final class NdArray {
  private final DType type;
  private final long[] shape;
  private final float[] floats;
  private final long[] longs;
  private final int[] ints;

  private NdArray(DType type, long[] shape, float[] f, long[] l, int[] i) {
    this.type = type;
    this.shape = shape.clone();
    this.floats = f;
    this.longs = l;
    this.ints = i;
    long n = count(shape);
    int len = f != null ? f.length : l != null ? l.length : i.length;
    if (n != len) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + len);
    }
  }

  public static NdArray of(float[] values, long... shape) {
    return new NdArray(DType.FLOAT, shape, values, null, null);
  }

  public static NdArray ofLongs(long[] values, long... shape) {
    return new NdArray(DType.INT64, shape, null, values, null);
  }

  public static NdArray ofInts(int[] values, long... shape) {
    return new NdArray(DType.INT32, shape, null, null, values);
  }

  public static NdArray zeros(DType type, long... shape) {
    int n = Math.toIntExact(count(shape));
    switch (type) {
      case FLOAT:
        return of(new float[n], shape);
      case INT64:
        return ofLongs(new long[n], shape);
      case INT32:
        return ofInts(new int[n], shape);
      default:
        throw GraftException.badInput("arrays of %s are not supported", type);
    }
  }

  public DType type() {
    return type;
  }

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

  public int size() {
    return Math.toIntExact(count(shape));
  }

  /** The float values (shared); only for FLOAT arrays. */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("array of " + type + " has no float values");
    }
    return floats;
  }

  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("array of " + type + " has no int64 values");
    }
    return longs;
  }

  public int[] ints() {
    if (ints == null) {
      throw new IllegalStateException("array of " + type + " has no int32 values");
    }
    return ints;
  }

  /** Values converted to float, whatever the type (a copy unless already float). */
  public float[] asFloats() {
    if (floats != null) {
      return floats;
    }
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = longs != null ? longs[i] : ints[i];
    }
    return out;
  }

  /** Rows {@code [start, start+count)} as a new array. */
  public NdArray rows(int start, int count) {
    int rs = rowSize();
    long[] s = shape.clone();
    s[0] = count;
    int from = start * rs;
    int to = from + count * rs;
    if (floats != null) {
      return new NdArray(type, s, Arrays.copyOfRange(floats, from, to), null, null);
    }
    if (longs != null) {
      return new NdArray(type, s, null, Arrays.copyOfRange(longs, from, to), null);
    }
    return new NdArray(type, s, null, null, Arrays.copyOfRange(ints, from, to));
  }

  /** Rows picked by index, in the order given. */
  public NdArray gather(int[] rowIndices) {
    int rs = rowSize();
    long[] s = shape.clone();
    s[0] = rowIndices.length;
    NdArray out = zeros(type, s);
    for (int k = 0; k < rowIndices.length; k++) {
      int from = rowIndices[k] * rs;
      if (floats != null) {
        System.arraycopy(floats, from, out.floats, k * rs, rs);
      } else if (longs != null) {
        System.arraycopy(longs, from, out.longs, k * rs, rs);
      } else {
        System.arraycopy(ints, from, out.ints, k * rs, rs);
      }
    }
    return out;
  }

  /** The same values seen with another shape of equal size. */
  public NdArray reshape(long... newShape) {
    return new NdArray(type, newShape, floats, longs, ints);
  }

  /** Concatenates arrays of equal row shape along the first axis. */
  public static NdArray concatRows(java.util.List<NdArray> parts) {
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
      if (p.floats != null) {
        System.arraycopy(p.floats, 0, out.floats, at, n);
      } else if (p.longs != null) {
        System.arraycopy(p.longs, 0, out.longs, at, n);
      } else {
        System.arraycopy(p.ints, 0, out.ints, at, n);
      }
      at += n;
    }
    return out;
  }

  public static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public String toString() {
    return type + Arrays.toString(shape);
  }
}
