package dev.graft.thin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.simplify.Recorder;
import dev.graft.simplify.TestGraphs;
import dev.graft.testing.Fixtures;
import dev.graft.verify.Fidelity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThinnerTest {
  private static Path residualCnn() {
    Path p = Fixtures.model("residual_cnn.onnx");
    return p;
  }

  private static double agreement(Graph teacher, Graph student, NdArray x) {
    float[] t = Recorder.run(teacher, Map.of("input", x)).get("logits").floats();
    float[] s = Recorder.run(student, Map.of("input", x)).get("logits").floats();
    return Fidelity.compare(s, t, 10).top1Agreement();
  }

  private static long[] dims(Graph g, String initializerOfNode, int input) {
    Node n = g.nodes().stream().filter(x -> x.name().equals(initializerOfNode)).findFirst()
        .orElseThrow();
    return g.constant(n.input(input)).orElseThrow().dims();
  }

  @Test
  void sompThinsTheResidualStreamAsOneGroupAndBeatsMagnitudeOnHeldOutData() {
    Graph g = OnnxReader.read(residualCnn());
    NdArray train = Npy.read(Fixtures.digits("train_x_img.npy"));
    NdArray test = Npy.read(Fixtures.digits("test_x_img.npy"));
    Map<String, NdArray> cal = Map.of("input", train);
    ThinResult somp = Thinner.thin(g, ThinOptions.of("stage1.*", 0.5).calibration(cal));
    ThinResult mag = Thinner.thin(g, ThinOptions.of("stage1.*", 0.5)
        .select(ThinOptions.Select.MAGNITUDE).calibration(cal));
    assertEquals(3, somp.groups().size(), "stage1.0.c1, the residual stream, stage1.1.c1");
    ThinResult.Group stream = somp.groups().get(1);
    assertEquals(List.of("stem.0", "stage1.0.c2", "stage1.1.c2"), stream.producers());
    assertEquals(List.of("stage1.0.c1", "stage1.1.c1", "stage2.0.down.0", "stage2.0.c1"),
        stream.consumers());
    for (int i = 0; i < 3; i++) {
      ThinResult.Group a = somp.groups().get(i);
      ThinResult.Group b = mag.groups().get(i);
      assertEquals(null, a.skipped());
      assertEquals(16, a.channelsBefore());
      assertEquals(8, a.channelsAfter());
      assertEquals(a.channelsAfter(), b.channelsAfter(), "same widths");
      for (String c : a.consumers()) {
        assertTrue(a.reconstructionRelErr().get(c) < b.reconstructionRelErr().get(c),
            a.layer() + " → " + c);
      }
    }
    Graph s = somp.graph();
    assertArrayEquals(new long[] {8, 1, 3, 3}, dims(s, "/stem/stem.0/Conv", 1));
    assertArrayEquals(new long[] {8, 8, 3, 3}, dims(s, "/stage1/stage1.0/c2/Conv", 1));
    assertArrayEquals(new long[] {32, 8, 1, 1}, dims(s, "/stage2/stage2.0/down/down.0/Conv", 1));
    assertArrayEquals(new long[] {32, 8, 3, 3}, dims(s, "/stage2/stage2.0/c1/Conv", 1));
    assertEquals(somp.paramsAfter(), mag.paramsAfter(), "same widths, same parameters");
    assertTrue(somp.paramsAfter() < somp.paramsBefore() && somp.flopsAfter() < somp.flopsBefore());
    double sa = agreement(g, somp.graph(), test);
    double ma = agreement(g, mag.graph(), test);
    System.out.printf("thin stage1.* keep 0.5 on residual_cnn (stream coupled), held-out top-1 "
        + "agreement: somp %.4f, magnitude %.4f; params %d -> %d, flops %d -> %d%n", sa, ma,
        somp.paramsBefore(), somp.paramsAfter(), somp.flopsBefore(), somp.flopsAfter());
    assertTrue(sa > ma, "somp " + sa + " vs magnitude " + ma);
    assertTrue(sa > 0.85, "somp agreement " + sa);
  }

  @Test
  void groupReachingTheGraphOutputIsLeftAloneWithReason() {
    Graph g = OnnxReader.read(residualCnn());
    NdArray train = Npy.read(Fixtures.digits("train_x_img.npy")).rows(0, 64);
    ThinResult r = Thinner.thin(g, ThinOptions.of("head", 0.5)
        .calibration(Map.of("input", train)));
    assertTrue(r.groups().get(0).skipped().contains("graph output logits"),
        r.groups().get(0).skipped());
    assertEquals(r.paramsBefore(), r.paramsAfter());
  }

  @Test
  void sompFindsARedundantHalfAndRefitsExactly() {
    // 8 → 16 → 4 where hidden units 8..15 repeat units 0..7: half the channels carry everything.
    Random r = new Random(12);
    float[] w0 = new float[16 * 8];
    float[] half = TestGraphs.randn(r, 64, 0.5);
    System.arraycopy(half, 0, w0, 0, 64);
    System.arraycopy(half, 0, w0, 64, 64);
    float[] b0 = new float[16];
    Graph g = TestGraphs.mlp(new int[] {8, 16, 4},
        TestGraphs.list(w0, TestGraphs.randn(r, 64, 0.5)),
        TestGraphs.list(b0, TestGraphs.randn(r, 4, 0.1)));
    NdArray x = NdArray.of(TestGraphs.randn(r, 500 * 8, 1), 500, 8);
    ThinResult res = Thinner.thin(g, ThinOptions.of("fc0", 0.5).calibration(Map.of("x", x)));
    ThinResult.Group l = res.groups().get(0);
    assertEquals(8, l.channelsAfter());
    boolean[] covered = new boolean[8];
    for (int c : l.kept()) {
      covered[c % 8] = true;
    }
    assertArrayEquals(new boolean[] {true, true, true, true, true, true, true, true}, covered);
    double err = l.reconstructionRelErr().get("fc1");
    assertTrue(err < 1e-6, "reconstruction error " + err);
    Map<String, Object> json = dev.graft.report.Json.parseObject(
        dev.graft.report.Json.write(res.toJson()), "report");
    Map<?, ?> group = (Map<?, ?>) ((java.util.List<?>) json.get("layers")).get(0);
    assertEquals(8L, group.get("channels_removed"));
    assertEquals(err, ((Map<?, ?>) group.get("reconstruction_rel_err")).get("fc1"));
    assertEquals(res.paramsAfter(), ((Map<?, ?>) json.get("params")).get("after"));
    assertTrue(res.paramsAfter() < res.paramsBefore());
    NdArray fresh = NdArray.of(TestGraphs.randn(new Random(13), 200 * 8, 1), 200, 8);
    assertTrue(TestGraphs.maxAbsDiff(g, res.graph(), "x", fresh) < 1e-3);
  }

  @Test
  void rejectsBadKeepPatternsAndMissingCalibration() {
    Graph g = TestGraphs.mlp(new int[] {8, 16, 4},
        TestGraphs.list(TestGraphs.randn(new Random(1), 128, 1), TestGraphs.randn(
            new Random(2), 64, 1)), TestGraphs.list(new float[16], new float[4]));
    GraftException zero = assertThrows(GraftException.class, () -> ThinOptions.of("fc0", 0));
    GraftException big = assertThrows(GraftException.class, () -> ThinOptions.of("fc0", 1.5));
    GraftException none = assertThrows(GraftException.class,
        () -> Thinner.thin(g, ThinOptions.of("stage2.*", 0.5).select(
            ThinOptions.Select.MAGNITUDE)));
    GraftException noCal = assertThrows(GraftException.class,
        () -> Thinner.thin(g, ThinOptions.of("fc0", 0.5)));
    for (GraftException e : List.of(zero, big, none, noCal)) {
      assertEquals(2, e.exitStatus());
      assertTrue(!e.getMessage().contains("\n"));
    }
    assertTrue(none.getMessage().contains(
        "layer pattern 'stage2.*' matches no Conv/Gemm/MatMul layer; nearest: fc0, fc1"),
        none.getMessage());
  }
}
