package dev.graft.simplify;

import static dev.graft.graph.GraphAssert.assertIdentical;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.RestartLoop;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Identity removal on the work-list engine makes exactly the former loop's graphs. */
class CleanupEngineTest {
  @ParameterizedTest
  @CsvSource({"models/residual_cnn_bn.onnx, 1", "ops/llama_block.onnx, 4", "ops/vit_cls.onnx, 2"})
  void removesIdentitiesAsTheRestartingLoopDid(String file, int identities) {
    Graph g = OnnxReader.read(Fixtures.root().resolve(file));
    int[] n = {0};
    Graph engine = Cleanup.removeIdentities(g, n);
    assertIdentical(RestartLoop.toFixpoint(g, Cleanup.BYPASS), engine, file);
    assertEquals(identities, n[0]);
    assertEquals(0, TestGraphs.count(engine, Op.IDENTITY));
  }
}
