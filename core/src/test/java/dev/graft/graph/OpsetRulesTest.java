package dev.graft.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.RandomSource;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.lowrank.LowRank;
import dev.graft.lowrank.LowRankOptions;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.simplify.Recorder;
import dev.graft.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsetRulesTest {
  @Test
  void lowRankOnAnOpsetNineGemmWritesGemmsWithTheirCInput() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("cnn_mnist_pytorch11.onnx"));
    assertEquals(9, g.opset());
    Graph out = LowRank.factorize(g, LowRankOptions.rank("Gemm_8", 8)).graph();
    List<Node> gemms = out.nodes().stream().filter(n -> n.op() == Op.GEMM).toList();
    assertEquals(3, gemms.size());
    gemms.forEach(n -> assertEquals(3, n.inputs().size(), n.name()));
    Graph back = OnnxReader.parse(OnnxWriter.toBytes(out), "written", null);
    NdArray x = new RandomSource(Map.of("input_image", new long[] {1, 28, 28}), 8, 1, 0, 1)
        .batch(0, 8).get("input_image");
    float[] before = Recorder.run(g, Map.of("input_image", x)).values().iterator().next()
        .floats();
    float[] after = Recorder.run(back, Map.of("input_image", x)).values().iterator().next()
        .floats();
    assertEquals(before.length, after.length);
    double err = 0;
    for (int i = 0; i < before.length; i++) {
      err = Math.max(err, Math.abs(before[i] - after[i]));
    }
    assertTrue(err < 2.0, "rank 8 of 50 keeps log-probabilities near: " + err);
  }

  @Test
  void aGraftBuiltGraphInvalidForItsOpsetIsAnInternalError() {
    Graph g = Graph.builder().opset(9)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 4)))
        .initializer(TensorData.ofFloats("w", new long[] {4, 3}, new float[12]))
        .node(Node.of("fc", Op.GEMM, List.of("x", "w"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(2, 3)))
        .build();
    GraftException e = assertThrows(GraftException.class, () -> OnnxWriter.toBytes(g));
    assertEquals(GraftException.Kind.FAILURE, e.kind());
    assertTrue(e.getMessage().contains("node fc (Gemm) has 2 inputs; before opset 11 Gemm needs"
        + " its C input"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    Graph g11 = g.toBuilder().opset(11).build();
    Graph back = dev.graft.onnx.OnnxReader.parse(OnnxWriter.toBytes(g11), "g11", null);
    assertEquals(11, back.opset());
    assertEquals(List.of("x", "w"), back.nodes().get(0).inputs(), "valid at 11 without C");
  }

  @Test
  void attributesThatBecameInputsAreCheckedBothWays() {
    Node clipAttrs = Node.of("c", Op.CLIP, List.of("x"), List.of("y"), Attribute.of("min", 0f));
    assertTrue(OpsetRules.check(clipAttrs, 9).isEmpty());
    assertTrue(OpsetRules.check(clipAttrs, 13).orElseThrow().contains("attribute 'min'"));
    Node unsq = Node.of("u", Op.UNSQUEEZE, List.of("x"), List.of("y"));
    assertTrue(OpsetRules.check(unsq, 13).orElseThrow().contains("at least 2"));
    Node gelu = Node.of("g", Op.GELU, List.of("x"), List.of("y"));
    assertTrue(OpsetRules.check(gelu, 17).orElseThrow().contains("needs opset 20"));
  }
}
