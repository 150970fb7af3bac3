package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.graph.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * An open {@code .npy} file read a range of rows at a time, so a calibration set larger than memory
 * can stream. Float64 is read as float32; uint8 and bool as float32 or int32 as asked by the model;
 * int64 and int32 as they are. Not thread-safe; close it.
 */
public final class NpyFile implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final Npy.Header header;
  private final int elementSize;

  private NpyFile(Path file, FileChannel channel, Npy.Header header) {
    this.file = file;
    this.channel = channel;
    this.header = header;
    this.elementSize = switch (header.type()) {
      case DOUBLE, INT64 -> 8;
      case FLOAT, INT32 -> 4;
      default -> 1;
    };
  }

  public static NpyFile open(Path file) {
    FileChannel ch = Npy.openChannel(file);
    try {
      Npy.Header h = Npy.header(ch, file);
      if (h.shape().length == 0) {
        throw GraftException.badInput("%s holds a scalar; expected a leading batch axis", file);
      }
      long expected;
      try {
        long bytes = sizeOf(h.type());
        for (long d : h.shape()) {
          bytes = Math.multiplyExact(bytes, d);
        }
        expected = Math.addExact(h.dataOffset(), bytes);
      } catch (ArithmeticException e) {
        expected = Long.MAX_VALUE;
      }
      if (ch.size() < expected) {
        throw GraftException.badInput(
            "%s is truncated: its header promises %d bytes, the file has %d", file, expected,
            ch.size());
      }
      return new NpyFile(file, ch, h);
    } catch (IOException e) {
      closeQuietly(ch);
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static int sizeOf(DType t) {
    return switch (t) {
      case DOUBLE, INT64 -> 8;
      case FLOAT, INT32 -> 4;
      default -> 1;
    };
  }

  public Path path() {
    return file;
  }

  /** The type as stored in the file. */
  public DType storedType() {
    return header.type();
  }

  public long[] shape() {
    return header.shape().clone();
  }

  public long rows() {
    return header.shape()[0];
  }

  public int rowSize() {
    long n = 1;
    for (int i = 1; i < header.shape().length; i++) {
      n *= header.shape()[i];
    }
    if (n * elementSize > MAX_BYTES) {
      throw GraftException.badInput("%s: one sample holds %d values, more than Graft reads at"
          + " once (2 GB)", file, n);
    }
    return (int) n;
  }

  /**
   * Rows {@code [start, start+count)}: float32 for float and small integer data, else as stored.
   * Float values must be finite and of magnitude at most {@link #MAX_ABS}.
   */
  public NdArray rows(int start, int count) {
    NdArray a = rowsAsStored(start, count);
    if (a.type() == DType.FLOAT) {
      checkValues(a.floats(), start, rowSize());
    }
    return a;
  }

  /**
   * Rows {@code [start, start+count)} with whatever float values they hold, infinities included:
   * for tensors a runtime wrote (a causal mask's -inf), not for a user's data.
   */
  public NdArray rowsAsStored(int start, int count) {
    int rs = rowSize();
    long[] shape = header.shape().clone();
    shape[0] = count;
    if ((long) count * rs * elementSize > MAX_BYTES) {
      throw GraftException.badInput("%s: %d samples of %d values are more than Graft reads at"
          + " once (2 GB)", file, count, rs);
    }
    int n = count * rs;
    return decode(start, count, rs, n, shape);
  }

  /** The largest magnitude of a value Graft takes: squares and sums of larger ones overflow float32. */
  public static final double MAX_ABS = 1e9;

  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private void checkValues(float[] v, int start, int rowSize) {
    for (int i = 0; i < v.length; i++) {
      if (!(Math.abs(v[i]) <= MAX_ABS)) {
        throw GraftException.badInput("%s: sample %d holds %s; Graft takes finite values of"
            + " magnitude up to %.0e", file, start + i / Math.max(1, rowSize), v[i], MAX_ABS);
      }
    }
  }

  private NdArray decode(int start, int count, int rs, int n, long[] shape) {
    ByteBuffer b = ByteBuffer.allocate(n * elementSize).order(ByteOrder.LITTLE_ENDIAN);
    try {
      long pos = header.dataOffset() + (long) start * rs * elementSize;
      while (b.hasRemaining()) {
        int r = channel.read(b, pos + b.position());
        if (r < 0) {
          throw GraftException.badInput("%s ended early", file);
        }
      }
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    }
    b.flip();
    switch (header.type()) {
      case FLOAT: {
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        return NdArray.of(f, shape);
      }
      case DOUBLE: {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) b.getDouble(i * 8);
        }
        return NdArray.of(f, shape);
      }
      case INT64: {
        long[] l = new long[n];
        b.asLongBuffer().get(l);
        return NdArray.ofLongs(l, shape);
      }
      case INT32: {
        int[] v = new int[n];
        b.asIntBuffer().get(v);
        return NdArray.ofInts(v, shape);
      }
      default: {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = b.get(i) & 0xff;
        }
        return NdArray.of(f, shape);
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing was written
    }
  }
}
