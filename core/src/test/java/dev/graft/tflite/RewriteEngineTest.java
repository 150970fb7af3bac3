package dev.graft.tflite;

import static dev.graft.graph.GraphAssert.assertIdentical;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.RestartLoop;
import dev.graft.graph.Rewriter;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The work-list engine rewrites real models into exactly the graphs the former loop made
 * (rule at the first matching node, rebuild, start again from the first node), pass after pass
 * as the converter runs them: GELU, hard activations, fusion.
 */
class RewriteEngineTest {
  @ParameterizedTest
  @CsvSource({
      "models/transformer_encoder.onnx, 6, 0, 0",
      "ops/gelu_tanh.onnx, 1, 0, 0",
      "modern/fm_mobilenetv3.onnx, 0, 9, 0",
      "modern/mobilenetv3_small_050.onnx, 0, 28, 0",
      "third_party/ultraface-slim-320.onnx, 0, 0, 25",
      "third_party/mnist-8.onnx, 0, 0, 3"})
  void makesTheGraphsOfTheRestartingLoop(String file, int gelus, int hard, int fused) {
    Graph g = Prepare.run(OnnxReader.read(Fixtures.root().resolve(file)), 1);
    Graph gelu = same(g, GeluPattern.RULE, file + " GELU", gelus);
    Graph act = same(gelu, ActivationPatterns.RULE, file + " hard activations", hard);
    same(act, Fuse.RULE, file + " fusion", fused);
  }

  /** Runs both engines; checks they agree and that the pass wrote at least that many nodes. */
  private static Graph same(Graph g, Rewriter.Rule rule, String what, int atLeast) {
    Graph reference = RestartLoop.toFixpoint(g, rule);
    Graph engine = Rewriter.toFixpoint(g, rule);
    assertIdentical(reference, engine, what);
    Set<Node> before = new HashSet<>(g.nodes());
    long written = engine.nodes().stream().filter(n -> !before.contains(n)).count();
    assertTrue(written >= atLeast, what + ": " + written + " nodes written");
    return engine;
  }
}
