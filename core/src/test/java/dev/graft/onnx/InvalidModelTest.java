package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.graft.GraftException;
import dev.graft.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Models that break the type and shape rules are bad input when read, before any work. */
class InvalidModelTest {
  private static String refused(String fixture, UnaryOperator<OnnxMl.GraphProto.Builder> edit)
      throws Exception {
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Fixtures.model(fixture)));
    byte[] bytes = m.toBuilder().setGraph(edit.apply(m.getGraph().toBuilder())).build()
        .toByteArray();
    GraftException e = assertThrows(GraftException.class,
        () -> OnnxReader.parse(bytes, "m.onnx", Path.of(".")));
    assertEquals(2, e.exitStatus(), e.getMessage());
    assertTrue(e.getMessage().startsWith("m.onnx: "), e.getMessage());
    return e.getMessage();
  }

  private static OnnxMl.GraphProto.Builder inputDim(OnnxMl.GraphProto.Builder g, int axis, long v) {
    OnnxMl.ValueInfoProto.Builder in = g.getInput(0).toBuilder();
    in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(axis).clear()
        .setDimValue(v);
    return g.setInput(0, in);
  }

  private static int firstInitializerOf(OnnxMl.GraphProto.Builder g, String op) {
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals(op)) {
        for (int i = 0; i < g.getInitializerCount(); i++) {
          if (n.getInputList().contains(g.getInitializer(i).getName())) {
            return i;
          }
        }
      }
    }
    throw new AssertionError("no " + op + " with a weight");
  }

  @Test
  void everyFixtureModelPassesTheRules() {
    for (String f : new String[] {"deep_mlp.onnx", "residual_cnn.onnx", "residual_cnn_bn.onnx",
        "mobilenetv2.onnx", "transformer_encoder.onnx", "transformer_encoder_opset13.onnx"}) {
      assertDoesNotThrow(() -> OnnxReader.read(Fixtures.model(f)), f);
    }
    for (String f : new String[] {"mnist-8.onnx", "ultraface-slim-320.onnx",
        "cnn_mnist_pytorch11.onnx", "fm_resnet20.dynamo.onnx", "fm_resnet20.torchscript.onnx"}) {
      assertDoesNotThrow(() -> OnnxReader.read(Fixtures.thirdParty(f)), f);
    }
  }

  @Test
  void aWrongInputWidthIsAMatMulWhoseInnerDimensionsDiffer() throws Exception {
    String m = refused("deep_mlp.onnx", g -> inputDim(g, 1, 65));
    assertTrue(m.contains("whose inner dimensions 65 and 64 differ"), m);
  }

  @Test
  void anInt64WeightInAFloatGemmMixesElementTypes() throws Exception {
    String m = refused("deep_mlp.onnx", g -> {
      int i = firstInitializerOf(g, "Gemm");
      OnnxMl.TensorProto t = g.getInitializer(i);
      long count = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
      return g.setInitializer(i, t.toBuilder().setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
          .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[(int) count * 8])));
    });
    assertTrue(m.contains("mixes element types"), m);
  }

  @Test
  void aNegativeDimensionIsRefused() throws Exception {
    assertTrue(refused("deep_mlp.onnx", g -> inputDim(g, 1, -64)).contains("negative dimension"));
  }

  @Test
  void aZeroSizedInputIsValidOnnxButSimplifyRefusesIt() throws Exception {
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(
        Files.readAllBytes(Fixtures.model("residual_cnn.onnx")));
    byte[] bytes = m.toBuilder().setGraph(inputDim(m.getGraph().toBuilder(), 0, 0)).build()
        .toByteArray();
    dev.graft.graph.Graph g = OnnxReader.parse(bytes, "m.onnx", Path.of("."));
    GraftException e = assertThrows(GraftException.class, () -> dev.graft.simplify.Simplifier
        .simplify(g, dev.graft.simplify.SimplifyOptions.inputBox(0, 1)));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("which holds no values"), e.getMessage());
  }

  @Test
  void anInputOfTooManyElementsIsRefused() throws Exception {
    String m = refused("residual_cnn.onnx", g -> inputDim(g, 2, 1L << 40));
    assertTrue(m.contains("more than 2147483639 elements"), m);
  }

  @Test
  void dimensionsWhoseProductOverflowsAreRefused() throws Exception {
    String m = refused("deep_mlp.onnx", g -> {
      OnnxMl.TensorProto t = g.getInitializer(0);
      return g.setInitializer(0, t.toBuilder().clearDims().addDims(1L << 32).addDims(1L << 32));
    });
    assertTrue(m.contains("overflows"), m);
  }

  @Test
  void aConvWeightThatDoesNotFitItsInputsChannelsIsRefused() throws Exception {
    String m = refused("residual_cnn.onnx", g -> inputDim(g, 1, 3));
    assertTrue(m.contains("reads 3 channels"), m);
  }

  @Test
  void aReshapeThatChangesTheElementCountIsRefused() throws Exception {
    String m = refused("../third_party/mnist-8.onnx", g -> inputDim(g, 2, 65));
    assertTrue(m.contains("(Reshape) turns"), m);
  }

  @Test
  void windowAttributesOutOfRangeOrNotFittingTheWeightAreRefused() throws Exception {
    String m = refused("../third_party/mnist-8.onnx", g -> {
      g.getNodeBuilder(1).getAttributeBuilder(0).setInts(0, 2);
      return g;
    });
    assertTrue(m.contains("has kernel_shape [2, 5], its weight is"), m);
    m = refused("../third_party/mnist-8.onnx", g -> {
      g.getNodeBuilder(8).getAttributeBuilder(0).setInts(0, -1);
      return g;
    });
    assertTrue(m.contains("has kernel_shape [-1, 3]; each must be 1 to 65536"), m);
  }

  @Test
  void aModelFileOver2GbIsRefusedWithoutReadingIt(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path big = tmp.resolve("big.onnx");
    try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(2_500_000_000L); // sparse: no disk is used
    }
    GraftException e = assertThrows(GraftException.class, () -> OnnxReader.read(big));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("is 2.50 GB; Graft reads files of up to 2 GB"),
        e.getMessage());
  }
}
