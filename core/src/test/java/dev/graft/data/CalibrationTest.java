package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.io.NpyFile;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
  @TempDir Path tmp;

  @Test
  void npyRoundTripKeepsValuesAndShape() {
    NdArray a = NdArray.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    Path f = tmp.resolve("a.npy");
    Npy.write(f, a);
    NdArray b = Npy.read(f);
    assertArrayEquals(a.shape(), b.shape());
    assertArrayEquals(a.floats(), b.floats());
    try (NpyFile nf = NpyFile.open(f)) {
      assertArrayEquals(new float[] {3, 4, 5, 6}, nf.rows(1, 2).floats());
    }
  }

  @Test
  void readsNumpysOwnFiles() {
    NdArray x = Npy.read(Fixtures.digits("test_x_img.npy"));
    assertEquals(4, x.rank());
    assertArrayEquals(new long[] {1, 8, 8}, java.util.Arrays.copyOfRange(x.shape(), 1, 4));
    NdArray y = Npy.read(Fixtures.digits("test_y.npy"));
    assertEquals(x.rows(), y.rows());
  }

  @Test
  void wrongShapeNamesTheInputAndBothShapes() {
    Graph g = OnnxReader.read(Fixtures.model("residual_cnn.onnx"));
    GraftException e = assertThrows(GraftException.class,
        () -> Calibration.open(List.of(Fixtures.digits("test_x_flat.npy").toString()), g, null));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("input 'input'"), e.getMessage());
    assertTrue(e.getMessage().contains("[batch, 1, 8, 8]"), e.getMessage());
  }

  @Test
  void notAnNpyFileIsRefused() throws Exception {
    Path f = tmp.resolve("x.npy");
    Files.writeString(f, "not numpy");
    Graph g = OnnxReader.read(Fixtures.model("deep_mlp.onnx"));
    GraftException e = assertThrows(GraftException.class,
        () -> Calibration.open(List.of(f.toString()), g, null));
    assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
  }

  @Test
  void emptyCalibrationSetIsRefused() {
    Path f = tmp.resolve("empty.npy");
    Npy.write(f, NdArray.of(new float[0], 0, 64));
    Graph g = OnnxReader.read(Fixtures.model("deep_mlp.onnx"));
    GraftException e = assertThrows(GraftException.class,
        () -> Calibration.open(List.of(f.toString()), g, null));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void unknownInputNameListsTheModelsInputs() {
    Graph g = OnnxReader.read(Fixtures.model("deep_mlp.onnx"));
    GraftException e = assertThrows(GraftException.class,
        () -> Calibration.open(List.of("image=" + Fixtures.digits("test_x_flat.npy")), g, null));
    assertTrue(e.getMessage().contains("expected one of [input]"), e.getMessage());
  }
}
