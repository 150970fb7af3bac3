package dev.graft.io;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * An open {@code .npy} file read a range of rows at a time, so a calibration set larger than
 * memory can stream.
 *
 * <pre>{@code
 * try (NpyFile f = NpyFile.open(Path.of("train_x.npy"))) {
 *   NdArray batch = f.rows(256, 64); // rows 256..319, checked
 * }
 * }</pre>
 *
 * <p>{@link #rows} is for a user's data (float32 for float64 and byte types, every float finite
 * and at most {@link #MAX_ABS}); {@link #rowsAsStored} keeps the stored type and any value (see
 * {@link Npy}). Not thread-safe; close it.
 */
public final class NpyFile implements AutoCloseable {
  /** The largest magnitude of a value Graft takes: squares and sums of larger ones overflow float32. */
  public static final double MAX_ABS = 1e9;

  static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private final Path file;
  private final FileChannel channel;
  private final NpyHeader header;

  private NpyFile(Path file, FileChannel channel, NpyHeader header) {
    this.file = file;
    this.channel = channel;
    this.header = header;
  }

  /**
   * Opens a file whose first axis is the batch.
   *
   * @throws GraftException bad input for a missing, malformed, truncated or scalar file
   */
  public static NpyFile open(Path file) {
    FileChannel ch = Npy.openChannel(file);
    try {
      NpyHeader h = NpyHeader.read(ch, file);
      if (h.shape().length == 0) {
        throw GraftException.badInput("%s holds a scalar; expected a leading batch axis", file);
      }
      h.checkSize(ch.size(), file);
      return new NpyFile(file, ch, h);
    } catch (IOException e) {
      closeQuietly(ch);
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  public Path path() {
    return file;
  }

  /** The type as stored in the file. */
  public DType storedType() {
    return header.type();
  }

  public long[] shape() {
    return header.shape();
  }

  public long rows() {
    return header.shape()[0];
  }

  public int rowSize() {
    long[] s = header.shape();
    long n = 1;
    for (int i = 1; i < s.length; i++) {
      n *= s[i];
    }
    if (n * header.type().byteSize() > MAX_BYTES) {
      throw GraftException.badInput("%s: one sample holds %d values, more than Graft reads at"
          + " once (2 GB)", file, n);
    }
    return (int) n;
  }

  /**
   * Rows {@code [start, start+count)} of a user's data: float32 for floating and byte data, int64
   * and int32 as stored; float values must be finite and of magnitude at most {@link #MAX_ABS}.
   */
  public NdArray rows(int start, int count) {
    NdArray a = read(start, count, false);
    if (a.type() == DType.FLOAT) {
      checkValues(a.floats(), start, rowSize());
    }
    return a;
  }

  /**
   * Rows {@code [start, start+count)} with the stored type (float64 as float32) and whatever
   * values they hold: for tensors a runtime wrote (a causal mask's -inf), not for a user's data.
   */
  public NdArray rowsAsStored(int start, int count) {
    return read(start, count, true);
  }

  private NdArray read(int start, int count, boolean asStored) {
    int rs = rowSize();
    if (start < 0 || count < 0 || start + (long) count > rows()) {
      throw new IndexOutOfBoundsException("rows " + start + ".." + (start + (long) count) + " of "
          + file + ", which holds " + rows());
    }
    if ((long) count * rs * header.type().byteSize() > MAX_BYTES) {
      throw GraftException.badInput("%s: %d samples of %d values are more than Graft reads at"
          + " once (2 GB)", file, count, rs);
    }
    long[] shape = header.shape();
    shape[0] = count;
    try {
      return header.decode(channel, file, (long) start * rs, count * rs, shape, asStored);
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    }
  }

  private void checkValues(float[] v, int start, int rowSize) {
    for (int i = 0; i < v.length; i++) {
      if (!(Math.abs(v[i]) <= MAX_ABS)) {
        throw GraftException.badInput("%s: sample %d holds %s; Graft takes finite values of"
            + " magnitude up to %.0e", file, start + i / Math.max(1, rowSize), v[i], MAX_ABS);
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
