package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

  @TempDir Path tmp;

  private NdArray read(String base64) throws Exception {
    Path f = Files.write(tmp.resolve("numpy.npy"), Base64.getDecoder().decode(base64));
    return Npy.readAsStored(f);
  }

  @Test
  void readsWhatNumpyWritesForEveryType() throws Exception {
    NdArray f = read(F32_2X3);
    assertEquals(DType.FLOAT, f.type());
    assertArrayEquals(new long[] {2, 3}, f.shape());
    assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f}, f.floats());
    NdArray i8 = read(I8_5);
    assertEquals(DType.INT8, i8.type());
    assertEquals(-4.0, i8.getDouble(3), 0);
    NdArray scalar = read(I64_SCALAR);
    assertArrayEquals(new long[0], scalar.shape());
    assertEquals(7L, scalar.longs()[0]);
    NdArray empty = read(U8_EMPTY);
    assertEquals(DType.UINT8, empty.type());
    assertEquals(0, empty.size());
    NdArray i32 = read(I32_1X3);
    assertEquals(Integer.MAX_VALUE, i32.ints()[1]);
  }

  @Test
  void writesByteForByteWhatNumpyWrites() throws Exception {
    for (String npy : new String[] {F32_2X3, I8_5, I64_SCALAR, U8_EMPTY, I32_1X3}) {
      assertArrayEquals(Base64.getDecoder().decode(npy), Npy.toBytes(read(npy)));
    }
  }

  @Test
  void readsARangeOfRowsWithoutTheRest() throws Exception {
    float[] v = new float[7 * 3];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    Path f = tmp.resolve("x.npy");
    Npy.write(f, NdArray.of(v, 7, 3));
    try (NpyFile file = NpyFile.open(f)) {
      assertEquals(7, file.rows());
      assertEquals(3, file.rowSize());
      NdArray mid = file.rows(2, 3);
      assertArrayEquals(new long[] {3, 3}, mid.shape());
      assertArrayEquals(Arrays.copyOfRange(v, 6, 15), mid.floats());
      assertArrayEquals(new float[] {18, 19, 20}, file.rowsAsStored(6, 1).floats());
      assertEquals(0, file.rows(7, 0).size());
      assertThrows(IndexOutOfBoundsException.class, () -> file.rows(5, 3));
    }
  }

  @Test
  void aUsersDataIsCheckedAndWidenedWhileStoredTensorsKeepTypeAndValues() throws Exception {
    Path u8 = tmp.resolve("u8.npy");
    Npy.write(u8, NdArray.ofBytes(DType.UINT8, new byte[] {0, (byte) 200, (byte) 255}, 3));
    assertEquals(DType.UINT8, Npy.readAsStored(u8).type());
    assertEquals(255.0, Npy.readAsStored(u8).getDouble(2), 0);
    assertArrayEquals(new float[] {0, 200, 255}, Npy.read(u8).floats());
    Path mask = tmp.resolve("mask.npy");
    Npy.write(mask, NdArray.of(new float[] {0, Float.NEGATIVE_INFINITY}, 1, 2));
    assertEquals(Float.NEGATIVE_INFINITY, Npy.readAsStored(mask).floats()[1]);
    GraftException e = assertThrows(GraftException.class, () -> Npy.read(mask));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("sample 0 holds -Infinity"), e.getMessage());
    Path f8 = tmp.resolve("f8.npy");
    Files.write(f8, npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-2)
            .array()));
    assertArrayEquals(new float[] {0.5f, -2f}, Npy.read(f8).floats());
    assertArrayEquals(new float[] {0.5f, -2f}, Npy.readAsStored(f8).floats());
  }

  @Test
  void readsFormatVersionsTwoAndThree() throws Exception {
    byte[] body = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(3).putInt(-1)
        .array();
    for (int version : new int[] {2, 3}) {
      Path f = Files.write(tmp.resolve("v" + version + ".npy"),
          npy(version, "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,)}", body));
      assertArrayEquals(new int[] {3, -1}, Npy.read(f).ints());
    }
  }

  @Test
  void aScratchFileHoldsTheSameBytesAsAnOutput() throws Exception {
    NdArray a = NdArray.ofLongs(new long[] {3, -4}, 2, 1);
    Path scratch = tmp.resolve("input_0.npy");
    Npy.writeScratch(scratch, a);
    assertArrayEquals(Npy.toBytes(a), Files.readAllBytes(scratch));
    assertArrayEquals(new long[] {3, -4}, Npy.readAsStored(scratch).longs());
  }

  @Test
  void writesThroughATemporaryFileAndLeavesNoneBehind() throws Exception {
    Path f = tmp.resolve("sub/x.npy");
    Npy.write(f, NdArray.of(new float[] {1, 2}, 2));
    try (var s = Files.list(f.getParent())) {
      assertEquals(Arrays.asList(f), Arrays.asList(s.toArray()));
    }
  }

  @Test
  void rejectsFortranOrderBigEndianAndUnknownTypesNamingTheFile() throws Exception {
    assertEquals("%s is in Fortran order; save it in C order",
        messageFor("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"));
    assertEquals("%s holds '>f4' values; Graft reads float32, float64, int64, int32, int8, uint8"
            + " and bool (little-endian)",
        messageFor("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"));
    assertEquals("%s holds '<f2' values; Graft reads float32, float64, int64, int32, int8, uint8"
            + " and bool (little-endian)",
        messageFor("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }"));
    assertEquals("%s has an invalid dimension '-2' in its .npy header",
        messageFor("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }"));
  }

  @Test
  void rejectsNonNpyTruncatedUnknownVersionsAndMissingFiles() throws Exception {
    Path junk = tmp.resolve("junk.npy");
    Files.write(junk, "hello, world".getBytes(StandardCharsets.US_ASCII));
    assertEquals(junk + " is not a .npy file (bad magic)", badInput(junk));
    byte[] full = Base64.getDecoder().decode(F32_2X3);
    Files.write(junk, Arrays.copyOf(full, full.length - 3));
    assertEquals(junk + " is truncated: its header promises 152 bytes, the file has 149",
        badInput(junk));
    Files.write(junk, npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
        new byte[4]));
    byte[] v9 = Files.readAllBytes(junk);
    v9[6] = 9;
    Files.write(junk, v9);
    assertEquals(junk + " is .npy version 9; Graft reads versions 1 to 3", badInput(junk));
    Path missing = tmp.resolve("missing.npy");
    assertEquals("data file not found: " + missing, badInput(missing));
  }

  private static String badInput(Path f) {
    GraftException e = assertThrows(GraftException.class, () -> Npy.readAsStored(f));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    return e.getMessage();
  }

  private String messageFor(String dict) throws Exception {
    Path f = Files.write(tmp.resolve("bad.npy"), npy(1, dict, new byte[16]));
    return badInput(f).replace(f.toString(), "%s");
  }

  private static byte[] npy(int version, String dict, byte[] body) {
    byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
    int prefix = version == 1 ? 10 : 12;
    ByteBuffer b = ByteBuffer.allocate(prefix + h.length + body.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
    if (version == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    return b.put(h).put(body).array();
  }
}
