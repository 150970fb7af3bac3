package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.graph.DType;
import dev.graft.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format: read (float32, float64, int64, int32, uint8, bool; little-endian, C
 * order) and write (float32, int64, int32). Large files are read by rows without loading them
 * whole: see {@link NpyFile}.
 */
public final class Npy {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** What a header says: element type as stored, shape, and where the data starts. */
  record Header(String descr, DType type, long[] shape, long dataOffset) {}

  /** A user's data file, whole: float values must be finite (see {@link NpyFile#rows}). */
  public static NdArray read(Path file) {
    try (NpyFile f = NpyFile.open(file)) {
      return f.rows(0, wholeRows(f));
    }
  }

  /** A tensor a runtime wrote (LiteRT's outputs), whole, infinities and NaNs as they are. */
  public static NdArray readOutput(Path file) {
    try (NpyFile f = NpyFile.open(file)) {
      return f.rowsAsStored(0, wholeRows(f));
    }
  }

  private static int wholeRows(NpyFile f) {
    if (f.rows() > Integer.MAX_VALUE) {
      throw GraftException.badInput("%s holds %d rows, more than Graft reads at once", f.path(),
          f.rows());
    }
    return (int) f.rows();
  }

  static Header header(FileChannel ch, Path file) throws IOException {
    ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    ch.read(pre, 0);
    pre.flip();
    if (pre.remaining() < 10 || (pre.get(0) & 0xff) != 0x93
        || !new String(new byte[] {pre.get(1), pre.get(2), pre.get(3), pre.get(4), pre.get(5)},
            StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw GraftException.badInput("%s is not a .npy file (bad magic)", file);
    }
    int major = pre.get(6);
    long headerLen;
    long start;
    if (major == 1) {
      headerLen = pre.getShort(8) & 0xffff;
      start = 10;
    } else {
      headerLen = pre.getInt(8) & 0xffffffffL;
      start = 12;
    }
    if (headerLen > ch.size() - start) {
      // a limit from the file's real size: a forged header cannot make Graft allocate more
      throw GraftException.badInput("%s is not a valid .npy file: its header claims %d bytes,"
          + " the file has %d", file, headerLen, ch.size());
    }
    ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
    ch.read(hb, start);
    String h = new String(hb.array(), StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(h);
    Matcher f = FORTRAN.matcher(h);
    Matcher s = SHAPE.matcher(h);
    if (!d.find() || !f.find() || !s.find()) {
      throw GraftException.badInput("%s has an unreadable .npy header: %s", file, h.trim());
    }
    if (f.group(1).equals("True")) {
      throw GraftException.badInput("%s is in Fortran order; save it in C order", file);
    }
    String descr = d.group(1);
    DType type = switch (descr) {
      case "<f4" -> DType.FLOAT;
      case "<f8" -> DType.DOUBLE;
      case "<i8" -> DType.INT64;
      case "<i4" -> DType.INT32;
      case "|u1", "<u1" -> DType.UINT8;
      case "|b1" -> DType.BOOL;
      default -> throw GraftException.badInput(
          "%s holds '%s' values; Graft reads float32, float64, int64, int32, uint8 and bool"
              + " (little-endian)", file, descr);
    };
    String dims = s.group(1).trim();
    long[] shape;
    if (dims.isEmpty()) {
      shape = new long[0];
    } else {
      String[] parts = dims.split(",");
      int n = 0;
      long[] tmp = new long[parts.length];
      for (String p : parts) {
        if (!p.isBlank()) {
          tmp[n++] = dimension(p.trim(), file);
        }
      }
      shape = java.util.Arrays.copyOf(tmp, n);
    }
    return new Header(descr, type, shape, start + headerLen);
  }

  private static long dimension(String text, Path file) {
    try {
      long d = Long.parseLong(text);
      if (d >= 0) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw GraftException.badInput("%s has an invalid dimension '%s' in its .npy header", file, text);
  }

  /** Writes float32, int64 or int32 arrays, atomically. */
  public static void write(Path file, NdArray a) {
    AtomicFiles.write(file, toBytes(a));
  }

  public static byte[] toBytes(NdArray a) {
    String descr = switch (a.type()) {
      case FLOAT -> "<f4";
      case INT64 -> "<i8";
      case INT32 -> "<i4";
      default -> throw new IllegalArgumentException("cannot write " + a.type() + " to .npy");
    };
    StringBuilder shape = new StringBuilder();
    for (long d : a.shape()) {
      shape.append(d).append(", ");
    }
    String dims = a.rank() == 1 ? shape.toString().trim() : shape.length() == 0 ? ""
        : shape.substring(0, shape.length() - 2);
    String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int pad = 64 - ((10 + h.length() + 1) % 64);
    h = h + " ".repeat(pad % 64) + "\n";
    int elem = a.type().byteSize();
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + a.size() * elem)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII));
    switch (a.type()) {
      case FLOAT -> b.asFloatBuffer().put(a.floats());
      case INT64 -> b.asLongBuffer().put(a.longs());
      default -> b.asIntBuffer().put(a.ints());
    }
    return b.array();
  }

  static FileChannel openChannel(Path file) {
    if (!file.toFile().exists()) {
      throw GraftException.badInput("data file not found: %s", file);
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s: %s", file, e.getMessage());
    }
  }
}
