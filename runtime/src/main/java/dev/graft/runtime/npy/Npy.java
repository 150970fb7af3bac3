package dev.graft.runtime.npy;

import dev.graft.runtime.DType;
import dev.graft.runtime.NdArray;
import dev.graft.GraftException;
import dev.graft.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * NumPy {@code .npy} files to and from {@link NdArray}.
 *
 * <pre>{@code
 * NdArray x = Npy.read(new File("input_0.npy"));
 * Npy.write(x, new File("copy.npy"));
 * }</pre>
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0 in C order with little-endian or single-byte types;
 * writes version 1.0 (2.0 when the header needs it) byte for byte as NumPy does. Files are written to a temporary file and
 * moved into place. Malformed files raise an {@link IOException} naming the file and the fault.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private Npy() {}

  /** Reads {@code file}. */
  public static NdArray read(File file) throws IOException {
    try (InputStream in = new FileInputStream(file)) {
      return read(in, file.getPath());
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException("npy file not found: " + file.getPath());
    }
  }

  /** Reads one array from {@code in}; {@code where} names the source in error messages. */
  public static NdArray read(InputStream in, String where) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      byte[] magic = new byte[6];
      data.readFully(magic);
      for (int i = 0; i < 6; i++) {
        if (magic[i] != MAGIC[i]) {
          throw new IOException(where + ": not an npy file (bad magic)");
        }
      }
      int major = data.readUnsignedByte();
      data.readUnsignedByte();
      long headerLen;
      if (major == 1) {
        headerLen = data.readUnsignedByte() | (data.readUnsignedByte() << 8);
      } else if (major == 2 || major == 3) {
        headerLen = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
      } else {
        throw new IOException(where + ": unsupported npy version " + major + ", expected 1 to 3");
      }
      byte[] header = new byte[(int) headerLen];
      data.readFully(header);
      String dict = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      Header h = Header.parse(dict, where);
      long count = NdArray.elementCount(h.shape);
      long bytes = count * h.dtype.byteSize();
      if (bytes > Integer.MAX_VALUE) {
        throw new IOException(where + ": array of " + bytes + " bytes is too large");
      }
      byte[] body = new byte[(int) bytes];
      data.readFully(body);
      return NdArray.of(h.dtype, h.shape, ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
    } catch (EOFException e) {
      throw new IOException(where + ": truncated npy file");
    }
  }

  /** Writes {@code array} to {@code file} through a temporary file in the same folder. */
  public static void write(NdArray array, File file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(array, bytes);
    try {
      AtomicFiles.write(file.toPath(), bytes.toByteArray());
    } catch (GraftException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Writes {@code array} as an npy stream. */
  public static void write(NdArray array, OutputStream out) throws IOException {
    StringBuilder shape = new StringBuilder("(");
    long[] s = array.shape();
    for (int i = 0; i < s.length; i++) {
      shape.append(i == 0 ? "" : ", ").append(s[i]);
    }
    shape.append(s.length == 1 ? ",)" : ")");
    String dict = "{'descr': '" + array.dtype().npyDescr() + "', 'fortran_order': False, 'shape': "
        + shape + ", }";
    // like numpy: room for the first axis to grow to 21 digits in place, then align to 64 bytes
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
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.write(MAGIC);
    head.write(major);
    head.write(0);
    head.write(h.length & 0xff);
    head.write((h.length >>> 8) & 0xff);
    if (major == 2) {
      head.write((h.length >>> 16) & 0xff);
      head.write((h.length >>> 24) & 0xff);
    }
    head.write(h);
    out.write(head.toByteArray());
    ByteBuffer body = array.data();
    byte[] bytes = new byte[body.remaining()];
    body.get(bytes);
    out.write(bytes);
  }

  /** The parsed header dictionary. */
  private static final class Header {
    final DType dtype;
    final long[] shape;

    private Header(DType dtype, long[] shape) {
      this.dtype = dtype;
      this.shape = shape;
    }

    static Header parse(String dict, String where) throws IOException {
      String descr = quotedValue(dict, "descr", where);
      String fortran = rawValue(dict, "fortran_order", where);
      if (fortran.startsWith("True")) {
        throw new IOException(where + ": Fortran-order arrays are not supported; save with C order");
      }
      if (descr.startsWith(">")) {
        throw new IOException(where + ": big-endian dtype '" + descr + "' is not supported");
      }
      DType dtype;
      try {
        dtype = DType.fromNpyDescr(descr);
      } catch (IllegalArgumentException e) {
        throw new IOException(where + ": " + e.getMessage());
      }
      String shapeText = rawValue(dict, "shape", where);
      int close = shapeText.indexOf(')');
      if (!shapeText.startsWith("(") || close < 0) {
        throw new IOException(where + ": malformed shape in npy header");
      }
      String[] parts = shapeText.substring(1, close).split(",");
      long[] dims = new long[parts.length];
      int n = 0;
      for (String p : parts) {
        String t = p.trim();
        if (!t.isEmpty()) {
          try {
            dims[n++] = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
          } catch (NumberFormatException e) {
            throw new IOException(where + ": malformed shape '" + shapeText + "' in npy header");
          }
        }
      }
      long[] shape = new long[n];
      System.arraycopy(dims, 0, shape, 0, n);
      return new Header(dtype, shape);
    }

    private static String rawValue(String dict, String key, String where) throws IOException {
      int k = dict.indexOf("'" + key + "'");
      if (k < 0) {
        k = dict.indexOf("\"" + key + "\"");
      }
      int colon = k < 0 ? -1 : dict.indexOf(':', k);
      if (colon < 0) {
        throw new IOException(where + ": npy header lacks '" + key + "'");
      }
      return dict.substring(colon + 1).trim();
    }

    private static String quotedValue(String dict, String key, String where) throws IOException {
      String v = rawValue(dict, key, where);
      char q = v.isEmpty() ? 0 : v.charAt(0);
      int end = (q == '\'' || q == '"') ? v.indexOf(q, 1) : -1;
      if (end < 0) {
        throw new IOException(where + ": malformed '" + key + "' in npy header");
      }
      return v.substring(1, end);
    }
  }
}
