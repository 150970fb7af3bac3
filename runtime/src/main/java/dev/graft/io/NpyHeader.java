package dev.graft.io;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** What a {@code .npy} header says: the stored type, the shape, where the data starts. */
final class NpyHeader {
  private final DType type;
  private final long[] shape;
  private final long dataOffset;

  private NpyHeader(DType type, long[] shape, long dataOffset) {
    this.type = type;
    this.shape = shape;
    this.dataOffset = dataOffset;
  }

  DType type() {
    return type;
  }

  long[] shape() {
    return shape.clone();
  }

  long dataOffset() {
    return dataOffset;
  }

  static NpyHeader read(FileChannel ch, Path file) throws IOException {
    ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    while (pre.hasRemaining() && ch.read(pre, pre.position()) > 0) {
      // a prefix is 10 or 12 bytes
    }
    if (pre.position() < 10 || !Npy.hasMagic(pre)) {
      throw GraftException.badInput("%s is not a .npy file (bad magic)", file);
    }
    int major = pre.get(6);
    long headerLen;
    long start;
    if (major == 1) {
      headerLen = pre.getShort(8) & 0xffff;
      start = 10;
    } else if ((major == 2 || major == 3) && pre.position() == 12) {
      headerLen = pre.getInt(8) & 0xffffffffL;
      start = 12;
    } else {
      throw GraftException.badInput("%s is .npy version %d; Graft reads versions 1 to 3", file,
          major);
    }
    if (headerLen > ch.size() - start) {
      // a limit from the file's real size: a forged header cannot make Graft allocate more
      throw GraftException.badInput("%s is not a valid .npy file: its header claims %d bytes,"
          + " the file has %d", file, headerLen, ch.size());
    }
    ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
    while (hb.hasRemaining() && ch.read(hb, start + hb.position()) > 0) {
      // read it all
    }
    String h = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8
        : StandardCharsets.ISO_8859_1);
    return parse(h, file, start + headerLen);
  }

  private static NpyHeader parse(String h, Path file, long dataOffset) {
    String descr = quoted(h, "descr", file);
    String fortran = raw(h, "fortran_order", file);
    if (fortran.startsWith("True")) {
      throw GraftException.badInput("%s is in Fortran order; save it in C order", file);
    }
    DType type = DType.fromNpyDescr(descr);
    if (type == null || type == DType.FLOAT16 || type == DType.UINT16 || type == DType.INT16
        || type == DType.UINT32 || type == DType.UINT64) {
      throw GraftException.badInput("%s holds '%s' values; Graft reads float32, float64, int64,"
          + " int32, int8, uint8 and bool (little-endian)", file, descr);
    }
    String s = raw(h, "shape", file);
    int close = s.indexOf(')');
    if (!s.startsWith("(") || close < 0) {
      throw GraftException.badInput("%s has an unreadable .npy header: %s", file, h.trim());
    }
    String[] parts = s.substring(1, close).split(",");
    long[] dims = new long[parts.length];
    int n = 0;
    for (String p : parts) {
      String t = p.trim();
      if (!t.isEmpty()) {
        dims[n++] = dimension(t.endsWith("L") ? t.substring(0, t.length() - 1) : t, file);
      }
    }
    return new NpyHeader(type, Arrays.copyOf(dims, n), dataOffset);
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
    throw GraftException.badInput("%s has an invalid dimension '%s' in its .npy header", file,
        text);
  }

  private static String raw(String dict, String key, Path file) {
    int k = dict.indexOf("'" + key + "'");
    if (k < 0) {
      k = dict.indexOf("\"" + key + "\"");
    }
    int colon = k < 0 ? -1 : dict.indexOf(':', k);
    if (colon < 0) {
      throw GraftException.badInput("%s has an unreadable .npy header (no '%s'): %s", file, key,
          dict.trim());
    }
    return dict.substring(colon + 1).trim();
  }

  private static String quoted(String dict, String key, Path file) {
    String v = raw(dict, key, file);
    char q = v.isEmpty() ? 0 : v.charAt(0);
    int end = (q == '\'' || q == '"') ? v.indexOf(q, 1) : -1;
    if (end < 0) {
      throw GraftException.badInput("%s has an unreadable .npy header: %s", file, dict.trim());
    }
    return v.substring(1, end);
  }

  /**
   * The number of elements, after checking that the file holds all the bytes the header promises
   * (a shape whose size overflows promises more than any file holds).
   */
  long checkSize(long fileSize, Path file) {
    long count;
    long expected;
    try {
      count = 1;
      for (long d : shape) {
        count = Math.multiplyExact(count, d);
      }
      expected = Math.addExact(dataOffset, Math.multiplyExact(count, (long) type.byteSize()));
    } catch (ArithmeticException e) {
      count = Long.MAX_VALUE;
      expected = Long.MAX_VALUE;
    }
    if (fileSize < expected) {
      throw GraftException.badInput("%s is truncated: its header promises %d bytes, the file has"
          + " %d", file, expected, fileSize);
    }
    return count;
  }

  /**
   * Elements {@code [first, first+n)} with the given shape. As stored: float64 becomes float32
   * and the rest keep their type; else (a user's data) every floating and byte type becomes
   * float32.
   */
  NdArray decode(FileChannel ch, Path file, long first, int n, long[] shape, boolean asStored)
      throws IOException {
    int size = type.byteSize();
    ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
    long pos = dataOffset + first * size;
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw GraftException.badInput("%s ended early", file);
      }
    }
    b.flip();
    switch (type) {
      case FLOAT:
      case INT64:
      case INT32:
        return NdArray.fromBytes(type, shape, b);
      case DOUBLE: {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) b.getDouble(i * 8);
        }
        return NdArray.of(f, shape);
      }
      default: {
        if (asStored) {
          return NdArray.fromBytes(type, shape, b);
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = type == DType.INT8 ? b.get(i) : b.get(i) & 0xff;
        }
        return NdArray.of(f, shape);
      }
    }
  }
}
