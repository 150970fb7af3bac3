package dev.graft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModuleTreeTest {
  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, stage1.1",
    "residual_cnn_bn.onnx, stage1.1",
    "deep_mlp.onnx, blocks.4",
    "transformer_encoder.onnx, blocks.4",
    "transformer_encoder_opset13.onnx, blocks.4",
    "mobilenetv2.onnx, features.2"
  })
  void countsEveryWeightElementOnceAndFindsPyTorchModules(String model, String module) {
    Graph g = OnnxReader.read(Fixtures.model(model));
    long expected = 0;
    for (TensorData t : g.initializers().values()) {
      if (t.type().isFloating()) {
        expected += t.elementCount();
      }
    }
    ModuleTree tree = ModuleTree.of(g);
    assertEquals(expected, tree.totalParams());
    assertTrue(tree.module(module).isPresent(), () -> "modules: " + tree.names());
    long sumTop = tree.children("").stream().mapToLong(Module::params).sum();
    assertTrue(sumTop <= expected);
    assertTrue(tree.totalMacs() > 0);
  }

  @Test
  void layerPatternsSelectByModulePathGlobAndCommaListAndSuggestNearestWhenNothingMatches() {
    Graph g = OnnxReader.read(Fixtures.model("residual_cnn.onnx"));
    ModuleTree tree = ModuleTree.of(g);
    Predicate<Node> layer = n -> n.op() == Op.CONV || n.op() == Op.GEMM;
    List<String> stage2 = tree.match("stage2.*", layer, "Conv/Gemm/MatMul layer").stream()
        .map(Node::name).toList();
    assertEquals(5, stage2.size(), stage2.toString());
    assertTrue(stage2.contains("/stage2/stage2.0/down/down.0/Conv"));
    assertEquals(List.of("/stem/stem.0/Conv", "/head/Gemm"),
        tree.match("stem, head", layer, "Conv/Gemm/MatMul layer").stream().map(Node::name)
            .toList());
    GraftException e = assertThrows(GraftException.class,
        () -> tree.match("stage9.*", layer, "Conv/Gemm/MatMul layer"));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().startsWith(
        "layer pattern 'stage9.*' matches no Conv/Gemm/MatMul layer; nearest: stage"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(", ...") && !e.getMessage().contains("\n"), e.getMessage());
  }
}
