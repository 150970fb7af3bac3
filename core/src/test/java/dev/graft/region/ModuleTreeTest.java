package dev.graft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.TensorData;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModuleTreeTest {
  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, stage1.1",
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
}
