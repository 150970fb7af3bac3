package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Data that would poison the work is refused, as bad input, before any work. */
class PoisonedDataTest {
  @TempDir Path tmp;

  private static String badInput(Executable e) {
    GraftException x = assertThrows(GraftException.class, e);
    assertEquals(2, x.exitStatus(), x.getMessage());
    return x.getMessage();
  }

  private Path npy(float... v) {
    Path f = tmp.resolve("x" + v.length + "-" + Float.floatToIntBits(v[v.length - 1]) + ".npy");
    Npy.write(f, NdArray.of(v, v.length / 4, 4));
    return f;
  }

  @Test
  void aHeaderThatClaimsMoreThanTheFileHoldsIsRefusedWithoutAllocatingIt() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 2)
        .put((byte) 0).putInt(0x7fff_fff0);
    Path f = tmp.resolve("liar.npy");
    Files.write(f, b.array());
    long before = Runtime.getRuntime().totalMemory();
    String m = badInput(() -> Npy.read(f));
    assertTrue(m.contains("header claims 2147483632 bytes, the file has 30"), m);
    assertTrue(Runtime.getRuntime().totalMemory() - before < 256L << 20);
  }

  @Test
  void aShapeWhoseSizeOverflowsIsTruncatedNotWrapped() throws Exception {
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 1).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
        .put((byte) 0).putShort((short) (h.length() + 1)).put(h.getBytes(StandardCharsets.US_ASCII))
        .put((byte) '\n');
    Path f = tmp.resolve("huge.npy");
    Files.write(f, b.array());
    assertTrue(badInput(() -> Npy.read(f)).contains("is truncated"));
  }

  @Test
  void nanInfinityAndHugeValuesAreRefusedNamingTheSample() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 3e38f, -2e9f}) {
      Path f = npy(0, 1, 2, 3, 4, 5, 6, bad);
      String m = badInput(() -> Npy.read(f));
      assertTrue(m.contains("sample 1 holds"), m);
    }
    assertEquals(8, Npy.read(npy(0, 1, 2, 3, 4, 5, 6, 1e9f)).size());
  }

  @Test
  void calibrationWithNanIsRefusedWhenOpened() {
    Graph g = OnnxReader.read(Fixtures.model("deep_mlp.onnx"));
    float[] v = Npy.read(Fixtures.digits("test_x_flat.npy")).floats().clone();
    v[700] = Float.NaN;
    Path f = tmp.resolve("nan.npy");
    Npy.write(f, NdArray.of(v, v.length / 64, 64));
    String m = badInput(() -> {
      try (CalibrationSource s = Calibration.open(List.of(f.toString()), g, null)) {
        Samples.load(s, 1000);
      }
    });
    assertTrue(m.contains("sample 10 holds NaN"), m);
  }

  @Test
  void labelsOutsideTheModelsClassesOrNotWholeAreRefused() {
    Graph g = OnnxReader.read(Fixtures.model("deep_mlp.onnx"));
    Path y = tmp.resolve("y.npy");
    Npy.write(y, NdArray.ofLongs(new long[] {0, 9, 10}, 3));
    assertTrue(badInput(() -> Labels.read(y, g)).contains("sample 2 has label 10"));
    Npy.write(y, NdArray.ofLongs(new long[] {0, -1}, 2));
    assertTrue(badInput(() -> Labels.read(y, g)).contains("sample 1 has label -1"));
    Npy.write(y, NdArray.of(new float[] {0, 2.5f}, 2));
    assertTrue(badInput(() -> Labels.read(y, g)).contains("expected a whole number"));
    Npy.write(y, NdArray.ofLongs(new long[] {0, 9}, 2));
    assertEquals(9, Labels.read(y, g)[1]);
  }

  @Test
  void imageOptionsRefuseAZeroOrNanStdAndAMeanCountThatFitsNoChannelCount() {
    assertTrue(badInput(() -> ImageOptions.parse("8x8", null, "0")).contains("--std 0"));
    assertTrue(badInput(() -> ImageOptions.parse("8x8", null, "0.5,NaN,1")).contains("--std"));
    assertTrue(badInput(() -> ImageOptions.parse("8x8", "Infinity", null)).contains("--mean"));
    ImageOptions o = ImageOptions.parse("8x8", "0,0", null);
    String m = badInput(() -> o.withChannels(3));
    assertTrue(m.contains("--mean has 2 values; give 1 (every channel) or 3"), m);
    assertEquals(0.5f, ImageOptions.parse("8x8", "0.5,0.5,0.5", null).withChannels(3).mean(2));
  }

  @Test
  void imageOptionsRefuseAMeanOfZeroTo255PixelsSincePixelsAreScaledToOneFirst() {
    String m = badInput(() -> ImageOptions.parse("240x320", "127,127,127", "128,128,128"));
    assertTrue(m.startsWith("--mean 127,127,127: every mean must be in [0, 1]"), m);
    assertTrue(m.contains("divide mean and std by 255"), m);
    assertTrue(badInput(() -> ImageOptions.parse("8x8", "-0.1", null)).contains("--mean -0.1"));
    assertEquals(1f, ImageOptions.parse("8x8", "0,1,0.5", null).withChannels(3).mean(1));
  }

  @Test
  void imageOptionsRefuseSizesOutsideOneTo8192AndWordErrorsAsTheUserWroteThem() {
    assertTrue(badInput(() -> ImageOptions.parse("0x8", null, null))
        .startsWith("--image-size 0x8: each side must be 1 to 8192 pixels"));
    assertTrue(badInput(() -> ImageOptions.parse("9000", null, null)).contains("9000x9000"));
    assertTrue(badInput(() -> ImageOptions.parse("8x8x8", null, null)).contains("expected HxW"));
    ImageOptions r = ImageOptions.of(8, 8, new float[] {0, 0}, new float[] {1},
        ImageOptions.Wording.RECIPE);
    assertTrue(badInput(() -> r.withChannels(3)).startsWith("images(mean) has 2 values"));
  }
}
