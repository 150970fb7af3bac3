package dev.graft.exec;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Recorded activations on disk: for each tensor, float32 rows (one per sample) in a file of its
 * own, appended in chunks and read back by row index, so memory stays bounded however large the
 * calibration set. Serves a seeded train/held-out split and shuffled mini-batches. Not
 * thread-safe; close it.
 */
public final class ActivationStore implements AutoCloseable {
  private static final int CHUNK_BYTES = 1 << 20;

  private final Path dir;
  private final Map<String, long[]> rowShapes;
  private final Map<String, FileChannel> channels = new LinkedHashMap<>();
  private final Map<String, Integer> rowSizes = new LinkedHashMap<>();
  private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private long rows;

  private ActivationStore(Path dir, Map<String, long[]> rowShapes) throws IOException {
    this.dir = dir;
    this.rowShapes = new LinkedHashMap<>(rowShapes);
    Files.createDirectories(dir);
    int i = 0;
    for (Map.Entry<String, long[]> e : rowShapes.entrySet()) {
      Path f = dir.resolve("t" + (i++) + ".f32");
      channels.put(e.getKey(), FileChannel.open(f, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ,
          StandardOpenOption.WRITE));
      rowSizes.put(e.getKey(), Math.toIntExact(NdArray.elementCount(e.getValue())));
    }
  }

  /** A new, empty store in {@code dir} for tensors with the given per-row shapes. */
  public static ActivationStore create(Path dir, Map<String, long[]> rowShapes) {
    try {
      dev.graft.io.Temporaries.register(dir);
      return new ActivationStore(dir, rowShapes);
    } catch (IOException e) {
      throw GraftException.failure("cannot create activation store in %s: %s", dir,
          e.getMessage());
    }
  }

  /** Appends a batch of rows for every tensor; all batches must have the same row count. */
  public void append(Map<String, NdArray> batch) {
    int n = -1;
    for (Map.Entry<String, FileChannel> e : channels.entrySet()) {
      NdArray a = batch.get(e.getKey());
      if (a == null) {
        throw new IllegalArgumentException("batch lacks tensor " + e.getKey());
      }
      if (n >= 0 && a.rows() != n) {
        throw new IllegalArgumentException("tensors disagree on batch rows");
      }
      n = a.rows();
      if (a.rowSize() != rowSizes.get(e.getKey())) {
        throw GraftException.failure("tensor %s has %d values per sample, expected %d",
            e.getKey(), a.rowSize(), rowSizes.get(e.getKey()));
      }
      write(e.getKey(), e.getValue(), a.asFloats());
    }
    rows += n;
  }

  private void write(String tensor, FileChannel ch, float[] v) {
    int at = 0;
    try {
      while (at < v.length) {
        chunk.clear();
        int len = Math.min(v.length - at, CHUNK_BYTES / 4);
        for (int i = 0; i < len; i++) {
          float f = v[at + i];
          if (!Float.isFinite(f)) {
            long row = rows + (at + i) / rowSizes.get(tensor);
            throw GraftException.badInput(
                "captured activations of tensor '%s' hold %s at sample %d: the teacher or the"
                    + " calibration data produce non-finite values", tensor, f, row);
          }
          chunk.putFloat(f);
        }
        chunk.flip();
        while (chunk.hasRemaining()) {
          ch.write(chunk);
        }
        at += len;
      }
    } catch (IOException e) {
      throw GraftException.failure("cannot write activations to %s: %s", dir, e.getMessage());
    }
  }

  public Path directory() {
    return dir;
  }

  public List<String> tensors() {
    return new ArrayList<>(rowShapes.keySet());
  }

  /** Number of samples recorded. */
  public long rows() {
    return rows;
  }

  /** Shape of one sample of a tensor (without the batch axis). */
  public long[] rowShape(String tensor) {
    return shapeOf(tensor).clone();
  }

  public int rowSize(String tensor) {
    shapeOf(tensor);
    return rowSizes.get(tensor);
  }

  private long[] shapeOf(String tensor) {
    long[] s = rowShapes.get(tensor);
    if (s == null) {
      throw new IllegalArgumentException(
          "tensor " + tensor + " is not in the store, expected one of " + rowShapes.keySet());
    }
    return s;
  }

  /** The given rows of a tensor as one array [rows.length, rowShape...]. */
  public NdArray read(String tensor, int[] rowIndices) {
    int rs = rowSize(tensor);
    FileChannel ch = channels.get(tensor);
    float[] out = new float[rowIndices.length * rs];
    ByteBuffer b = ByteBuffer.allocate(rs * 4).order(ByteOrder.LITTLE_ENDIAN);
    try {
      for (int k = 0; k < rowIndices.length; k++) {
        b.clear();
        long pos = (long) rowIndices[k] * rs * 4;
        while (b.hasRemaining()) {
          if (ch.read(b, pos + b.position()) < 0) {
            throw GraftException.failure("activation store %s is truncated", dir);
          }
        }
        b.flip();
        b.asFloatBuffer().get(out, k * rs, rs);
      }
    } catch (IOException e) {
      throw GraftException.failure("cannot read activations from %s: %s", dir, e.getMessage());
    }
    long[] shape = new long[rowShapes.get(tensor).length + 1];
    shape[0] = rowIndices.length;
    System.arraycopy(rowShapes.get(tensor), 0, shape, 1, shape.length - 1);
    return NdArray.of(out, shape);
  }

  /** Rows {@code [start, start+count)} of a tensor. */
  public NdArray readRange(String tensor, int start, int count) {
    int[] idx = new int[count];
    Arrays.setAll(idx, i -> start + i);
    return read(tensor, idx);
  }

  /** A train/held-out split of the rows: a seeded shuffle, the last fraction held out. */
  public Split split(double heldOutFraction, long seed) {
    return Split.of(Math.toIntExact(rows), heldOutFraction, seed);
  }

  /** Row indices of a train/held-out split. */
  public record Split(int[] train, int[] heldOut) {
    public static Split of(int rows, double heldOutFraction, long seed) {
      if (heldOutFraction < 0 || heldOutFraction >= 1) {
        throw GraftException.badInput("held-out fraction %s is outside [0, 1)", heldOutFraction);
      }
      int[] perm = permutation(rows, new SplittableRandom(seed));
      int held = (int) Math.round(rows * heldOutFraction);
      if (heldOutFraction > 0 && held == 0 && rows > 1) {
        held = 1;
      }
      return new Split(Arrays.copyOfRange(perm, 0, rows - held),
          Arrays.copyOfRange(perm, rows - held, rows));
    }
  }

  /** The rows shuffled for one epoch and cut into mini-batches (the last may be smaller). */
  public static List<int[]> miniBatches(int[] rowIndices, int batchSize, long seed, int epoch) {
    int[] perm = permutation(rowIndices.length, new SplittableRandom(seed * 1_000_003L + epoch));
    List<int[]> out = new ArrayList<>();
    for (int s = 0; s < perm.length; s += batchSize) {
      int[] b = new int[Math.min(batchSize, perm.length - s)];
      for (int i = 0; i < b.length; i++) {
        b[i] = rowIndices[perm[s + i]];
      }
      out.add(b);
    }
    return out;
  }

  static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  @Override
  public void close() {
    for (FileChannel ch : channels.values()) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // reads only from here on
      }
    }
  }

  /** Closes the store and deletes its folder. */
  public void delete() {
    close();
    dev.graft.io.Temporaries.delete(dir);
  }
}
