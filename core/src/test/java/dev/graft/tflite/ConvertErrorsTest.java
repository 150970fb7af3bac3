package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertErrorsTest {
  @TempDir Path dir;

  @Test
  void listsEveryUnsupportedNodeAtOnce() {
    Graph g = Graph.builder()
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 4)))
        .node(Node.of("first_sum", Op.SUM, List.of("x"), List.of("a")))
        .node(Node.of("relu", Op.RELU, List.of("a"), List.of("b")))
        .node(Node.of("second_sum", Op.SUM, List.of("b"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 4)))
        .build();
    GraftException e = assertThrows(GraftException.class,
        () -> TfliteConverter.convert(g, ConvertOptions.defaults()));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("first_sum (Sum)") && e.getMessage().contains(
        "second_sum (Sum)") && !e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void refusesAnInputAxisThatCannotBeMadeStatic() {
    Graph g = Graph.builder()
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(List.of(Dim.of(1), Dim.unknown()))))
        .node(Node.of("relu", Op.RELU, List.of("x"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, null))
        .build();
    GraftException e = assertThrows(GraftException.class,
        () -> TfliteConverter.convert(g, ConvertOptions.defaults()));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("static"), e.getMessage());
  }

  @Test
  void missingRunnerIsBadInputWithOneLine() {
    String old = System.getProperty("graft.litert.runner");
    System.setProperty("graft.litert.runner", dir.resolve("nowhere").toString());
    try {
      GraftException e = assertThrows(GraftException.class, LiteRt::locate);
      assertEquals(2, e.exitStatus());
      assertTrue(e.getMessage().startsWith("LiteRT runner not installed"), e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty("graft.litert.runner");
      } else {
        System.setProperty("graft.litert.runner", old);
      }
    }
  }

  @Test
  void failedVerificationLeavesNoFileAndExitsOne() {
    LiteRtForTests.require();
    Path out = dir.resolve("mnist.tflite");
    TfliteExport.Request req = new TfliteExport.Request(Fixtures.thirdParty("mnist-8.onnx"), out,
        ConvertOptions.defaults().withPrecision(Precision.FP16), true,
        new Verification.Bound(0, 0));
    GraftException e = assertThrows(GraftException.class, () -> TfliteExport.run(req));
    assertEquals(1, e.exitStatus());
    assertTrue(e.getMessage().startsWith("verification failed"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void verifiedExportWritesTheFile() throws Exception {
    LiteRtForTests.require();
    Path out = dir.resolve("cnn.tflite");
    TfliteExport.Outcome o = TfliteExport.run(new TfliteExport.Request(
        Fixtures.thirdParty("cnn_mnist_pytorch11.onnx"), out, ConvertOptions.defaults(), true,
        null));
    assertEquals(o.result().size(), Files.size(out));
    assertTrue(o.verification().orElseThrow().worstRelativeError() <= 1e-4);
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the model, no temporary files");
    }
  }

  @Test
  void int8WithoutCalibrationDataIsBadInput() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    GraftException e = assertThrows(GraftException.class, () -> TfliteConverter.convert(g,
        ConvertOptions.defaults().withPrecision(Precision.INT8)));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("calibration"), e.getMessage());
  }

  @Test
  void int8IoWithoutInt8PrecisionIsBadInput() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    GraftException e = assertThrows(GraftException.class, () -> TfliteConverter.convert(g,
        ConvertOptions.defaults().withPrecision(Precision.FP16).withInt8Io(true)));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("--int8-io"), e.getMessage());
  }
}
