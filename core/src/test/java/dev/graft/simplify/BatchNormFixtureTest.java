package dev.graft.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** BatchNorm folding on a real PyTorch export that keeps its BatchNormalization nodes. */
class BatchNormFixtureTest {
  @Test
  void foldsEveryBatchNormOfTheResidualCnnExactly() {
    Graph g = OnnxReader.read(Fixtures.model("residual_cnn_bn.onnx"));
    long bns = g.nodes().stream().filter(n -> n.op() == Op.BATCH_NORMALIZATION).count();
    assertEquals(10, bns, "stem, 2x2 per block, and the projection shortcut");
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.exactOnly());
    assertEquals(bns, r.batchNormsFolded().size());
    assertTrue(r.graph().nodes().stream().noneMatch(n -> n.op() == Op.BATCH_NORMALIZATION));
    NdArray x = Npy.read(Fixtures.digits("test_x_img.npy"));
    double err = TestGraphs.maxAbsDiff(g, r.graph(), "input", x);
    assertTrue(err <= 1e-5, "max abs error of folding on 397 digits: " + err);
    assertTrue(r.paramsAfter() < r.paramsBefore());
  }
}
