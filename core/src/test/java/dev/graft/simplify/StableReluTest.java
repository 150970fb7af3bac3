package dev.graft.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StableReluTest {
  /** 8 → 32 → 24 → 4 with biases that make many units provably dead or active on [0,1]^8. */
  static Graph stableMlp() {
    Random r = new Random(11);
    int[] widths = {8, 32, 24, 4};
    List<float[]> ws = new ArrayList<>();
    List<float[]> bs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ws.add(TestGraphs.randn(r, widths[i + 1] * widths[i], 0.3));
      float[] b = new float[widths[i + 1]];
      for (int u = 0; u < b.length; u++) {
        int kind = u % 4;
        b[u] = kind == 0 || kind == 1 ? -4f : kind == 2 ? 4f : 0.1f;
      }
      bs.add(b);
    }
    return TestGraphs.mlp(widths, ws, bs);
  }

  /** Independent interval bounds of the hidden layers of an MLP: [layer][0=lo,1=hi][unit]. */
  static List<double[][]> mlpBounds(Graph g, double lo, double hi) {
    List<double[][]> out = new ArrayList<>();
    int in = (int) g.inputs().get(0).shape().dim(1).value();
    double[] l = new double[in];
    double[] h = new double[in];
    java.util.Arrays.fill(l, lo);
    java.util.Arrays.fill(h, hi);
    for (int layer = 0; ; layer++) {
      TensorData w = g.initializer("fc" + layer + ".weight").orElse(null);
      if (w == null || g.initializer("fc" + (layer + 1) + ".weight").isEmpty()) {
        return out;
      }
      float[] wf = w.floats();
      float[] bf = g.initializer("fc" + layer + ".bias").orElseThrow().floats();
      int units = bf.length;
      double[] nl = new double[units];
      double[] nh = new double[units];
      for (int u = 0; u < units; u++) {
        double a = bf[u];
        double c = bf[u];
        for (int j = 0; j < l.length; j++) {
          double wv = wf[u * l.length + j];
          a += wv > 0 ? wv * l[j] : wv * h[j];
          c += wv > 0 ? wv * h[j] : wv * l[j];
        }
        nl[u] = a;
        nh[u] = c;
      }
      out.add(new double[][] {nl, nh});
      l = nl.clone();
      h = nh.clone();
      for (int u = 0; u < units; u++) {
        l[u] = Math.max(0, l[u]);
        h[u] = Math.max(0, h[u]);
      }
    }
  }

  static NdArray boxPoints(int rows, int width, long seed) {
    return NdArray.of(TestGraphs.uniform(new Random(seed), rows * width, 0, 1), rows, width);
  }

  @Test
  void inputBoxRemovesEveryProvablyStableUnitAndKeepsOutputsOnTheBox() {
    Graph g = stableMlp();
    SimplifyResult r = Simplifier.simplify(
        g, SimplifyOptions.inputBox(0, 1).foldPolicy(SimplifyOptions.FoldPolicy.ALWAYS));
    List<double[][]> bounds = mlpBounds(g, 0, 1);
    assertEquals(bounds.size(), r.reluLayers().size());
    int provable = 0;
    for (int i = 0; i < bounds.size(); i++) {
      int dead = 0;
      int active = 0;
      for (int u = 0; u < bounds.get(i)[0].length; u++) {
        if (bounds.get(i)[1][u] <= 0) {
          dead++;
        } else if (bounds.get(i)[0][u] >= 0) {
          active++;
        }
      }
      SimplifyResult.ReluLayer rl = r.reluLayers().get(i);
      assertEquals(dead, rl.dead(), "dead units of layer " + i);
      assertEquals(active, rl.activeFolded(), "folded active units of layer " + i);
      assertTrue(rl.margin() > 0);
      provable += dead + active;
    }
    assertTrue(provable >= 30, "the model has many stable units: " + provable);
    assertEquals(provable, r.unitsRemoved());
    // Remaining hidden units: only those interval bounds cannot decide.
    Graph shaped = dev.graft.graph.ShapeInference.infer(r.graph());
    long hidden = shaped.nodes().stream().filter(n -> n.op() == Op.RELU)
        .mapToLong(n -> shaped.info(n.input(0)).orElseThrow().shape().dim(1).value()).sum();
    assertEquals(32 + 24 - provable, hidden);
    double err = TestGraphs.maxAbsDiff(g, r.graph(), "x", boxPoints(10_000, 8, 5));
    assertTrue(err <= 1e-5, "max abs error on 10,000 box points: " + err);
  }

  @Test
  void defaultPolicyNeverGrowsTheModel() {
    Graph g = stableMlp();
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.inputBox(0, 1));
    assertTrue(r.paramsAfter() < r.paramsBefore(), r.paramsAfter() + " < " + r.paramsBefore());
    assertTrue(TestGraphs.maxAbsDiff(g, r.graph(), "x", boxPoints(2000, 8, 6)) <= 1e-5);
  }

  @Test
  void layerWhoseUnitsAreAllActiveCollapses() {
    Random rnd = new Random(3);
    float[] b0 = new float[16];
    java.util.Arrays.fill(b0, 5f);
    Graph g = TestGraphs.mlp(new int[] {8, 16, 4},
        TestGraphs.list(TestGraphs.randn(rnd, 128, 0.2), TestGraphs.randn(rnd, 64, 0.5)),
        TestGraphs.list(b0, TestGraphs.randn(rnd, 4, 0.1)));
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.inputBox(0, 1));
    assertTrue(r.reluLayers().get(0).collapsed());
    assertEquals(1, TestGraphs.count(r.graph(), Op.GEMM));
    assertEquals(0, TestGraphs.count(r.graph(), Op.RELU));
    assertTrue(TestGraphs.maxAbsDiff(g, r.graph(), "x", boxPoints(2000, 8, 7)) <= 1e-5);
  }

  @Test
  void calibrationDomainKeepsOutputsOnTheSamplesAndReportsMargins() {
    Graph g = stableMlp();
    NdArray cal = boxPoints(500, 8, 8);
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.calibration(Map.of("x", cal)));
    List<double[][]> bounds = mlpBounds(g, 0, 1);
    for (int i = 0; i < bounds.size(); i++) {
      long provablyDead = java.util.Arrays.stream(bounds.get(i)[1]).filter(v -> v <= 0).count();
      assertTrue(r.reluLayers().get(i).dead() >= provablyDead);
      assertTrue(Double.isFinite(r.reluLayers().get(i).margin()));
    }
    assertTrue(TestGraphs.maxAbsDiff(g, r.graph(), "x", cal) <= 1e-5);
    assertTrue(r.domain().startsWith("calibration (500"));
  }
}
