package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.TensorData;
import dev.graft.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
  @TempDir Path tmp;

  /** mnist-8 with its largest weight moved to a side file at {@code location}. */
  private Path withExternalWeight(String location, Path dataFile) throws Exception {
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(
        Files.readAllBytes(Fixtures.thirdParty("mnist-8.onnx")));
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    int biggest = 0;
    for (int i = 1; i < g.getInitializerCount(); i++) {
      if (OnnxReader.readTensor(g.getInitializer(i)).elementCount()
          > OnnxReader.readTensor(g.getInitializer(biggest)).elementCount()) {
        biggest = i;
      }
    }
    OnnxMl.TensorProto t = g.getInitializer(biggest);
    byte[] raw = OnnxReader.readTensor(t).raw(); // mnist-8 stores float_data, not raw bytes
    Files.createDirectories(dataFile.getParent());
    Files.write(dataFile, concat(new byte[16], raw));
    g.setInitializer(biggest, t.toBuilder().clearRawData().clearFloatData()
        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", "16"))
        .addExternalData(entry("length", Integer.toString(raw.length))).build());
    Path model = tmp.resolve("models").resolve("mnist-external.onnx");
    Files.createDirectories(model.getParent());
    Files.write(model, m.toBuilder().setGraph(g).build().toByteArray());
    return model;
  }

  private static OnnxMl.StringStringEntryProto entry(String k, String v) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void readsWeightsFromASideFileBitForBit() throws Exception {
    Path model = withExternalWeight("weights.bin", tmp.resolve("models").resolve("weights.bin"));
    Graph external = OnnxReader.read(model);
    Graph inline = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    assertEquals(inline.initializers().keySet(), external.initializers().keySet());
    for (TensorData t : inline.initializers().values()) {
      assertArrayEquals(t.raw(), external.initializer(t.name()).orElseThrow().raw(), t.name());
    }
  }

  @Test
  void refusesALocationOutsideTheModelsFolder() throws Exception {
    Path model = withExternalWeight("../secret.bin", tmp.resolve("secret.bin"));
    GraftException e = assertThrows(GraftException.class, () -> OnnxReader.read(model));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("outside the model's folder; refused"), e.getMessage());
  }

  @Test
  void refusesASymlinkedSideFileThatLeadsOutOfTheModelsFolder() throws Exception {
    Path outside = tmp.resolve("outside").resolve("w.bin");
    Path model = withExternalWeight("weights.bin", outside);
    Files.createSymbolicLink(model.resolveSibling("weights.bin"), outside);
    GraftException e = assertThrows(GraftException.class, () -> OnnxReader.read(model));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("leads outside the model's folder"), e.getMessage());
  }

  @Test
  void refusesASymlinkedFolderThatLeadsOutOfTheModelsFolder() throws Exception {
    Path outside = tmp.resolve("outside");
    Path model = withExternalWeight("data/w.bin", outside.resolve("w.bin"));
    Files.createSymbolicLink(model.resolveSibling("data"), outside);
    GraftException e = assertThrows(GraftException.class, () -> OnnxReader.read(model));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("leads outside the model's folder"), e.getMessage());
  }

  @Test
  void followsASymlinkThatStaysInsideTheModelsFolder() throws Exception {
    Path model = withExternalWeight("weights.bin", tmp.resolve("models").resolve("real.bin"));
    Files.createSymbolicLink(model.resolveSibling("weights.bin"), model.resolveSibling("real.bin"));
    assertEquals(OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx")).initializers().keySet(),
        OnnxReader.read(model).initializers().keySet());
  }

  @Test
  void aMissingSideFileIsBadInput() throws Exception {
    Path model = withExternalWeight("weights.bin", tmp.resolve("elsewhere").resolve("w.bin"));
    GraftException e = assertThrows(GraftException.class, () -> OnnxReader.read(model));
    assertTrue(e.getMessage().contains("external data file weights.bin"), e.getMessage());
  }

  @Test
  void anUnsupportedOperatorIsNamedWithItsNode() throws Exception {
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(
        Files.readAllBytes(Fixtures.thirdParty("mnist-8.onnx")));
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    g.setNode(0, g.getNode(0).toBuilder().setOpType("FancyConv").setName("my_conv"));
    GraftException e = assertThrows(GraftException.class,
        () -> OnnxReader.parse(m.toBuilder().setGraph(g).build().toByteArray(), "m.onnx", tmp));
    assertEquals("m.onnx: node my_conv uses operator FancyConv, which Graft does not support",
        e.getMessage());
  }
}
