package dev.graft.io;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * NumPy's {@code .npy} files: whole-file reads and writes here, reads by row ranges in {@link
 * NpyFile}.
 *
 * <pre>{@code
 * NdArray x = Npy.read(Path.of("calibration.npy"));          // a user's data, checked
 * NdArray y = Npy.readAsStored(Path.of("out/output_0.npy")); // what a runtime wrote
 * Npy.write(Path.of("copy.npy"), x);
 * }</pre>
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0, C order, little-endian or single-byte float32,
 * float64, int64, int32, int8, uint8 and bool. Two ways to read: {@link #read} is for a user's
 * data and gives what Graft computes with (float32 for every floating or byte type, int64 and
 * int32 as they are) after checking that every float is finite and at most {@link
 * NpyFile#MAX_ABS} in magnitude; {@link #readAsStored} is for tensors a runtime wrote or takes
 * (a causal mask's {@code -inf}, a quantized model's uint8 input) and keeps the stored type, only
 * float64 becoming float32. Writes version 1.0 (2.0 when the header needs it) byte for byte as
 * NumPy does, atomically. A malformed, truncated or missing file is a bad-input {@link
 * GraftException} naming the file and the fault; sizes come from the file, so a forged header
 * cannot make Graft allocate more than the file holds.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private Npy() {}

  /** A user's data file, whole: float values must be finite (see {@link NpyFile#rows}). */
  public static NdArray read(Path file) {
    try (NpyFile f = NpyFile.open(file)) {
      return f.rows(0, wholeRows(f));
    }
  }

  /** A tensor as a runtime wrote it, whole, scalars, infinities and NaNs included. */
  public static NdArray readAsStored(Path file) {
    try (FileChannel ch = openChannel(file)) {
      NpyHeader h = NpyHeader.read(ch, file);
      long n = h.checkSize(ch.size(), file);
      if (n * h.type().byteSize() > NpyFile.MAX_BYTES) {
        throw GraftException.badInput("%s holds %d values, more than Graft reads at once (2 GB)",
            file, n);
      }
      return h.decode(ch, file, 0, Math.toIntExact(n), h.shape(), true);
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    }
  }

  private static int wholeRows(NpyFile f) {
    if (f.rows() > Integer.MAX_VALUE) {
      throw GraftException.badInput("%s holds %d rows, more than Graft reads at once", f.path(),
          f.rows());
    }
    return (int) f.rows();
  }

  /** Writes an array atomically (see {@link AtomicFiles}). */
  public static void write(Path file, NdArray a) {
    AtomicFiles.write(file, toBytes(a));
  }

  /**
   * Writes an array to a scratch file in a temporary folder, for a child process to read next (a
   * runtime's inputs): neither moved into place nor flushed to the disk, which a file that lives
   * for one call does not need. Outputs are written with {@link #write}.
   */
  public static void writeScratch(Path file, NdArray a) {
    try {
      Files.write(file, toBytes(a));
    } catch (IOException e) {
      throw GraftException.failure("cannot write %s: %s", file, e.getMessage());
    }
  }

  /** An array as the bytes of a {@code .npy} file, as NumPy's {@code np.save} writes them. */
  public static byte[] toBytes(NdArray a) {
    long[] s = a.shape();
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < s.length; i++) {
      shape.append(i == 0 ? "" : ", ").append(s[i]);
    }
    shape.append(s.length == 1 ? ",)" : ")");
    String dict = "{'descr': '" + a.type().npyDescr() + "', 'fortran_order': False, 'shape': "
        + shape + ", }";
    // like NumPy: room for the first axis to grow to 21 digits in place, then align to 64 bytes
    int growth = s.length > 0 ? 21 - Long.toString(s[0]).length() : 0;
    int major = dict.length() + growth + 1 + 10 > 65535 ? 2 : 1;
    int prefix = major == 1 ? 10 : 12;
    int total = prefix + dict.length() + 1;
    int pad = growth + (64 - (total + growth) % 64) % 64;
    StringBuilder header = new StringBuilder(dict);
    for (int i = 0; i < pad; i++) {
      header.append(' ');
    }
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out = ByteBuffer.allocate(prefix + h.length + a.size() * a.type().byteSize())
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      out.putShort((short) h.length);
    } else {
      out.putInt(h.length);
    }
    out.put(h);
    a.putValues(out);
    return out.array();
  }

  static boolean hasMagic(ByteBuffer pre) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre.get(i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  static FileChannel openChannel(Path file) {
    if (!Files.exists(file)) {
      throw GraftException.badInput("data file not found: %s", file);
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    }
  }
}
