package dev.graft.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimplifierFixtureTest {
  /**
   * Upper side of the input box: interval bounds over the whole [0, 1] pixel box prove no unit of
   * deep_mlp stable (0 found, which the count below would confirm without testing anything); over
   * [0, 0.02] they prove 76.
   */
  static final double BOX_HI = 0.02;

  /** Units dead on the training digits stay dead on the test digits: measured 1.0000. */
  static final double HELD_OUT_AGREEMENT = 0.99;

  @Test
  void inputBoxOnTrainedDeepMlpRemovesEveryProvablyStableUnitExactly() {
    Path p = Fixtures.model("deep_mlp.onnx");
    Graph g = OnnxReader.read(p);
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.inputBox(0, BOX_HI)
        .foldPolicy(SimplifyOptions.FoldPolicy.ALWAYS));
    // Independent count: interval bounds of each hidden layer, layer by layer.
    List<String> layers = List.of("blocks.0.0", "blocks.1.0", "blocks.2.0", "blocks.3.0",
        "blocks.4.0", "blocks.5.0");
    double[] lo = new double[64];
    double[] hi = new double[64];
    java.util.Arrays.fill(hi, BOX_HI);
    int stable = 0;
    for (int i = 0; i < layers.size(); i++) {
      float[] w = g.initializer(layers.get(i) + ".weight").orElseThrow().floats();
      float[] b = g.initializer(layers.get(i) + ".bias").orElseThrow().floats();
      double[] nl = new double[b.length];
      double[] nh = new double[b.length];
      int dead = 0;
      int active = 0;
      for (int u = 0; u < b.length; u++) {
        nl[u] = b[u];
        nh[u] = b[u];
        for (int j = 0; j < lo.length; j++) {
          double wv = w[u * lo.length + j];
          nl[u] += wv > 0 ? wv * lo[j] : wv * hi[j];
          nh[u] += wv > 0 ? wv * hi[j] : wv * lo[j];
        }
        dead += nh[u] <= 0 ? 1 : 0;
        active += nl[u] >= 0 && nh[u] > 0 ? 1 : 0;
      }
      SimplifyResult.ReluLayer rl = r.reluLayers().get(i);
      assertEquals(layers.get(i), rl.layer());
      assertEquals(dead, rl.dead(), layers.get(i));
      assertEquals(active, rl.activeFolded(), layers.get(i));
      stable += dead + active;
      lo = new double[b.length];
      hi = new double[b.length];
      for (int u = 0; u < b.length; u++) {
        lo[u] = Math.max(0, nl[u]);
        hi[u] = Math.max(0, nh[u]);
      }
    }
    assertEquals(stable, r.unitsRemoved());
    assertEquals(76, stable, "units proved stable on the box");
    System.out.printf("simplify --input-box 0,%s on deep_mlp: %d stable units removed; params "
        + "%d -> %d%n", BOX_HI, stable, r.paramsBefore(), r.paramsAfter());
    NdArray x = NdArray.of(TestGraphs.uniform(new Random(17), 10_000 * 64, 0, (float) BOX_HI), 10_000, 64);
    double err = TestGraphs.maxAbsDiff(g, r.graph(), "input", x);
    assertTrue(err <= 1e-5, "max abs error on 10,000 box points: " + err);
  }

  @Test
  void calibrationDomainOnDeepMlpIsExactOnTheSamplesAndReportsMargins() {
    Path p = Fixtures.model("deep_mlp.onnx");
    Graph g = OnnxReader.read(p);
    NdArray train = dev.graft.io.Npy.read(Fixtures.digits("train_x_flat.npy"));
    NdArray test = dev.graft.io.Npy.read(Fixtures.digits("test_x_flat.npy"));
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.calibration(
        java.util.Map.of("input", train)));
    // Independent counts and margins: each hidden layer's pre-activations on the samples.
    List<String> pre = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pre.add("/blocks/blocks." + i + "/blocks." + i + ".0/Gemm_output_0");
    }
    java.util.Map<String, NdArray> z = Recorder.record(g, java.util.Map.of("input", train), pre,
        512);
    assertEquals(6, r.reluLayers().size());
    for (int i = 0; i < 6; i++) {
      SimplifyResult.ReluLayer l = r.reluLayers().get(i);
      float[] v = z.get(pre.get(i)).floats();
      int units = l.units();
      int dead = 0;
      int active = 0;
      double margin = Double.POSITIVE_INFINITY;
      for (int u = 0; u < units; u++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int row = u; row < v.length; row += units) {
          lo = Math.min(lo, v[row]);
          hi = Math.max(hi, v[row]);
        }
        if (hi <= 0) {
          dead++;
          margin = Math.min(margin, -hi);
        } else if (lo >= 0) {
          active++;
          margin = Math.min(margin, lo);
        }
      }
      System.out.printf("simplify --calibration deep_mlp %s: %d units, %d dead, %d active "
          + "(%d folded), margin %.4f%n", l.layer(), l.units(), l.dead(), l.active(),
          l.activeFolded(), l.margin());
      assertEquals("blocks." + i + ".0", l.layer());
      assertEquals(dead, l.dead(), l.layer());
      assertEquals(active, l.active(), l.layer());
      assertTrue(dead + active > 0, l.layer() + " has no stable unit on the samples");
      assertEquals(margin, l.margin(), 1e-4 + 1e-4 * margin, l.layer() + " margin");
    }
    assertTrue(r.unitsRemoved() > 0);
    assertTrue(TestGraphs.maxAbsDiff(g, r.graph(), "input", train) <= 1e-4);
    float[] t = Recorder.run(g, java.util.Map.of("input", test)).get("logits").floats();
    float[] s = Recorder.run(r.graph(), java.util.Map.of("input", test)).get("logits").floats();
    dev.graft.verify.Fidelity f = dev.graft.verify.Fidelity.compare(s, t, 10);
    System.out.printf("simplify --calibration deep_mlp: %d units removed, params %d -> %d, "
        + "held-out top-1 agreement %.4f, max abs err %.2e%n", r.unitsRemoved(),
        r.paramsBefore(), r.paramsAfter(), f.top1Agreement(), f.maxAbsErr());
    assertTrue(f.top1Agreement() >= HELD_OUT_AGREEMENT, "held-out top-1 " + f.top1Agreement());
  }

  @Test
  void foldsReshapedWeightsOfMnist8() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.exactOnly());
    assertEquals(1, r.constantNodesFolded()); // the Reshape of the dense layer's weights
    assertEquals(1, TestGraphs.count(r.graph(), Op.RESHAPE));
    NdArray x = NdArray.of(TestGraphs.uniform(new Random(3), 784, 0, 1), 1, 1, 28, 28);
    assertTrue(TestGraphs.maxAbsDiff(g, r.graph(), "Input3", x) <= 1e-5);
  }
}
