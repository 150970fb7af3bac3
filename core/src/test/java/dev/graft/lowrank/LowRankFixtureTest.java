package dev.graft.lowrank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.simplify.Recorder;
import dev.graft.testing.Fixtures;
import dev.graft.verify.Fidelity;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LowRankFixtureTest {
  @Test
  void energyPointNineOnResidualCnnReportsSavingsAndPerLayerFidelity() {
    Path p = Fixtures.model("residual_cnn.onnx");
    Graph g = OnnxReader.read(p);
    NdArray train = Npy.read(Fixtures.digits("train_x_img.npy"));
    NdArray test = Npy.read(Fixtures.digits("test_x_img.npy"));
    LowRankResult r = LowRank.factorize(g, LowRankOptions.energy("stage*", 0.9)
        .calibration(Map.of("input", train)));
    assertEquals(9, r.layers().size()); // 8 3×3 convs and the 1×1 downsample of stages 1-2
    for (LowRankResult.Layer l : r.layers()) {
      System.out.printf("lowrank energy 0.9 %-18s rank %2d/%2d params %5d -> %5d energy %.3f "
          + "output rel err %.4f %s%n", l.layer(), l.rank(), l.fullRank(), l.paramsBefore(),
          l.paramsAfter(), l.energyKept(), l.outputRelErr(),
          l.skipped() == null ? "" : "(" + l.skipped() + ")");
      assertTrue(l.rank() % 8 == 0 || l.rank() == l.fullRank(), l.layer());
      if (l.skipped() == null) {
        assertTrue(l.paramsAfter() < l.paramsBefore());
        assertTrue(l.energyKept() >= 0.9 - 1e-9);
        assertTrue(l.outputRelErr() >= 0 && l.outputRelErr() < 0.2, l.layer());
      }
    }
    assertTrue(r.factorizedCount() >= 1);
    assertTrue(r.paramsAfter() < r.paramsBefore() && r.flopsAfter() < r.flopsBefore());
    float[] t = Recorder.run(g, Map.of("input", test)).get("logits").floats();
    float[] s = Recorder.run(r.graph(), Map.of("input", test)).get("logits").floats();
    Fidelity f = Fidelity.compare(s, t, 10);
    System.out.printf("lowrank energy 0.9 on residual_cnn: params %d -> %d, flops %d -> %d, "
        + "held-out top-1 agreement %.4f%n", r.paramsBefore(), r.paramsAfter(), r.flopsBefore(),
        r.flopsAfter(), f.top1Agreement());
    assertTrue(f.top1Agreement() > 0.8, "agreement " + f.top1Agreement());
  }
}
