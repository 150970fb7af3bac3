package dev.graft.runtime.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.DType;
import dev.graft.runtime.NdArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  /** numpy 2.4 {@code np.save} of {@code np.arange(6, dtype=float32).reshape(2, 3) / 4}. */
  private static final String F32_2X3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9"
          + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAC"
          + "APgAAAD8AAEA/AACAPwAAoD8=";
  /** {@code np.array([1, -2, 3, -4, 5], dtype=int8)}. */
  private static final String I8_5 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfS"
          + "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoB/gP8BQ==";
  /** {@code np.array(7, dtype=int64)}, a scalar. */
  private static final String I64_SCALAR =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gIC"
          + "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAAAAAAAA==";
  /** {@code np.zeros((0, 3), dtype=uint8)}. */
  private static final String U8_EMPTY =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9"
          + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";
  /** {@code np.array([[1, 2**31 - 1, -5]], dtype=int32)}. */
  private static final String I32_1X3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDMpLCB9"
          + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAA////f/v///8=";

  @TempDir File tmp;

  private static NdArray read(String base64) throws IOException {
    return Npy.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)), "test");
  }

  private static byte[] write(NdArray a) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(a, out);
    return out.toByteArray();
  }

  @Test
  void readsWhatNumpyWritesForEveryType() throws IOException {
    NdArray f = read(F32_2X3);
    assertEquals(DType.FLOAT32, f.dtype());
    assertArrayEquals(new long[] {2, 3}, f.shape());
    assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f}, f.toFloats());
    NdArray i8 = read(I8_5);
    assertEquals(DType.INT8, i8.dtype());
    assertEquals(-4.0, i8.getDouble(3), 0);
    NdArray scalar = read(I64_SCALAR);
    assertArrayEquals(new long[0], scalar.shape());
    assertEquals(7.0, scalar.getDouble(0), 0);
    NdArray empty = read(U8_EMPTY);
    assertEquals(DType.UINT8, empty.dtype());
    assertEquals(0, empty.size());
    NdArray i32 = read(I32_1X3);
    assertEquals(Integer.MAX_VALUE, i32.getDouble(1), 0);
  }

  @Test
  void writesByteForByteWhatNumpyWrites() throws IOException {
    for (String npy : new String[] {F32_2X3, I8_5, I64_SCALAR, U8_EMPTY, I32_1X3}) {
      assertArrayEquals(Base64.getDecoder().decode(npy), write(read(npy)));
    }
  }

  @Test
  void uint8ValuesAboveSignedRangeRoundTrip() throws IOException {
    ByteBuffer b = ByteBuffer.wrap(new byte[] {0, (byte) 200, (byte) 255});
    NdArray a = NdArray.of(DType.UINT8, new long[] {3}, b);
    File f = new File(tmp, "u8.npy");
    Npy.write(a, f);
    NdArray back = Npy.read(f);
    assertEquals(200.0, back.getDouble(1), 0);
    assertEquals(255.0, back.getDouble(2), 0);
  }

  @Test
  void writesThroughATemporaryFileAndLeavesNoneBehind() throws IOException {
    File f = new File(tmp, "sub/x.npy");
    Npy.write(NdArray.ofFloats(new long[] {2}, new float[] {1, 2}), f);
    assertTrue(f.isFile());
    String[] left = f.getParentFile().list();
    assertArrayEquals(new String[] {"x.npy"}, left);
  }

  @Test
  void rejectsFortranOrderBigEndianAndUnknownTypesNamingTheFile() throws IOException {
    assertEquals("bad.npy: Fortran-order arrays are not supported; save with C order",
        messageFor("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "bad.npy"));
    assertEquals("bad.npy: big-endian dtype '>f4' is not supported",
        messageFor("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "bad.npy"));
    assertEquals("bad.npy: Unsupported npy dtype '<f8', expected one of "
            + "[<f4, |i1, |u1, <i4, <i8]",
        messageFor("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", "bad.npy"));
  }

  @Test
  void rejectsNonNpyTruncatedAndMissingFiles() throws IOException {
    File junk = new File(tmp, "junk.npy");
    Files.write(junk.toPath(), "hello".getBytes(StandardCharsets.US_ASCII));
    IOException e = assertThrows(IOException.class, () -> Npy.read(junk));
    assertEquals(junk.getPath() + ": truncated npy file", e.getMessage());
    Files.write(junk.toPath(), "hello, world".getBytes(StandardCharsets.US_ASCII));
    e = assertThrows(IOException.class, () -> Npy.read(junk));
    assertEquals(junk.getPath() + ": not an npy file (bad magic)", e.getMessage());
    byte[] full = Base64.getDecoder().decode(F32_2X3);
    Files.write(junk.toPath(), java.util.Arrays.copyOf(full, full.length - 3));
    e = assertThrows(IOException.class, () -> Npy.read(junk));
    assertEquals(junk.getPath() + ": truncated npy file", e.getMessage());
    File missing = new File(tmp, "missing.npy");
    e = assertThrows(FileNotFoundException.class, () -> Npy.read(missing));
    assertEquals("npy file not found: " + missing.getPath(), e.getMessage());
  }

  private static String messageFor(String dict, String where) {
    byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) h.length).put(h).putLong(0);
    IOException e = assertThrows(IOException.class,
        () -> Npy.read(new ByteArrayInputStream(b.array()), where));
    return e.getMessage();
  }
}
