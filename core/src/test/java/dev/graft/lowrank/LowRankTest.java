package dev.graft.lowrank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.linalg.Dense;
import dev.graft.simplify.TestGraphs;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LowRankTest {
  /** An m×n matrix of standard normal draws. */
  static double[][] randn(Random r, int m, int n) {
    double[][] a = new double[m][n];
    for (double[] row : a) {
      for (int j = 0; j < n; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return a;
  }

  private static float[] flat(double[][] a) {
    return dev.graft.linalg.LinearLayer.flat(a);
  }

  /** x[batch,48] → Gemm(W = A·B of rank 8, 32 outputs) → y. */
  private static Graph rank8Gemm() {
    Random r = new Random(2);
    double[][] w = Dense.mul(randn(r, 32, 8), randn(r, 8, 48));
    return TestGraphs.mlp(new int[] {48, 32}, TestGraphs.list(flat(w)),
        TestGraphs.list(TestGraphs.randn(r, 32, 0.1)));
  }

  @Test
  void factorsGemmOfExactLowRankWithoutChangingOutputs() {
    Graph g = rank8Gemm();
    LowRankResult res = LowRank.factorize(g, LowRankOptions.energy("fc0", 1.0).multiple(1));
    LowRankResult.Layer l = res.layers().get(0);
    assertEquals("fc0", l.layer());
    assertEquals(8, l.rank());
    assertEquals(32 * 48 + 32, l.paramsBefore());
    assertEquals(8 * (32 + 48) + 32, l.paramsAfter());
    assertEquals(2, TestGraphs.count(res.graph(), Op.GEMM));
    NdArray x = NdArray.of(TestGraphs.randn(new Random(3), 100 * 48, 1), 100, 48);
    assertTrue(TestGraphs.maxAbsDiff(g, res.graph(), "x", x) < 1e-4);
    assertTrue(res.flopsAfter() < res.flopsBefore());
  }

  /** A 3×3 conv (8→16, stride (2,1), pad 1) whose kernel has channel rank 12 (4 terms × 3 columns) and spatial rank 4. */
  private static Graph lowRankConv() {
    Random r = new Random(4);
    float[] w = new float[16 * 8 * 9];
    for (int k = 0; k < 4; k++) {
      double[][] a = randn(r, 8, 3); // a_k[c][i]
      double[][] b = randn(r, 16, 3); // b_k[o][j]
      for (int o = 0; o < 16; o++) {
        for (int c = 0; c < 8; c++) {
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              w[((o * 8 + c) * 3 + i) * 3 + j] += (float) (0.2 * a[c][i] * b[o][j]);
            }
          }
        }
      }
    }
    Graph.Builder gb = Graph.builder();
    gb.input(new ValueInfo("x", DType.FLOAT,
        Shape.of(List.of(Dim.symbol("batch"), Dim.of(8), Dim.of(9), Dim.of(7)))));
    gb.initializer(TensorData.ofFloats("w", new long[] {16, 8, 3, 3}, w));
    gb.initializer(TensorData.ofFloats("b", new long[] {16}, TestGraphs.randn(r, 16, 0.1)));
    gb.node(Node.of("/conv/Conv", Op.CONV, List.of("x", "w", "b"), List.of("y"),
        Attribute.ints("kernel_shape", 3, 3), Attribute.ints("strides", 2, 1),
        Attribute.ints("pads", 1, 1, 1, 1)));
    gb.output(new ValueInfo("y", DType.FLOAT, null));
    return gb.build();
  }

  @Test
  void splitsConvByChannelsAndSpatiallyExactlyAtItsRank() {
    Graph g = lowRankConv();
    NdArray x = NdArray.of(TestGraphs.randn(new Random(5), 20 * 8 * 63, 1), 20, 8, 9, 7);
    for (LowRankOptions.ConvSplit split : LowRankOptions.ConvSplit.values()) {
      LowRankResult res = LowRank.factorize(g, LowRankOptions.rank("conv", split == LowRankOptions.ConvSplit.SPATIAL ? 4 : 12)
              .convSplit(split));
      LowRankResult.Layer l = res.layers().get(0);
      assertEquals(null, l.skipped(), split.toString());
      assertEquals(2, TestGraphs.count(res.graph(), Op.CONV));
      assertTrue(l.weightRelErr() < 1e-12, split + " weight error " + l.weightRelErr());
      assertTrue(TestGraphs.maxAbsDiff(g, res.graph(), "x", x) < 1e-4, split.toString());
    }
  }

  @Test
  void dataAwareFactorizationHasLowerOutputErrorOnCalibrationData() {
    Random r = new Random(6);
    Graph g = TestGraphs.mlp(new int[] {32, 32}, TestGraphs.list(TestGraphs.randn(r, 1024, 1)),
        TestGraphs.list(new float[32]));
    // inputs concentrated on a 6-dimensional subspace, plus a little noise
    double[][] basis = randn(r, 6, 32);
    float[] x = new float[2000 * 32];
    for (int s = 0; s < 2000; s++) {
      double[] z = new double[6];
      for (int k = 0; k < 6; k++) {
        z[k] = r.nextGaussian();
      }
      for (int j = 0; j < 32; j++) {
        double v = 0.01 * r.nextGaussian();
        for (int k = 0; k < 6; k++) {
          v += z[k] * basis[k][j];
        }
        x[s * 32 + j] = (float) v;
      }
    }
    Map<String, NdArray> cal = Map.of("x", NdArray.of(x, 2000, 32));
    LowRankResult plain = LowRank.factorize(g,
        LowRankOptions.rank("fc0", 6).calibration(cal).dataAware(false));
    LowRankResult aware = LowRank.factorize(g, LowRankOptions.rank("fc0", 6).calibration(cal));
    double pe = plain.layers().get(0).outputRelErr();
    double ae = aware.layers().get(0).outputRelErr();
    assertTrue(aware.layers().get(0).dataAware());
    assertTrue(ae < 1e-3 && ae < pe / 10, "data-aware " + ae + " vs plain " + pe);
  }

  @Test
  void dataAwareFactorsAreTheBestRankInTheCalibrationMetricAndExactAtFullRank() {
    Random r = new Random(8);
    double[][] w = randn(r, 24, 40);
    double[][] x = Dense.mul(randn(r, 300, 40), randn(r, 40, 40)); // correlated inputs
    double[][] cov = Dense.mul(Dense.transpose(x), x);
    Factors f = Factors.matrix(w, cov);
    for (int rank : new int[] {3, 10, 17}) {
      double[][][] gf = f.factors(rank);
      double err = LowRank.relErr(w, Dense.mul(gf[0], gf[1]), cov);
      // Eckart–Young in the metric tr(ΔCΔᵀ): the error is the whitened energy left out, up to
      // the relative ridge of 1e-6 that Factors adds to C
      assertEquals(1 - f.energyKept(rank), err, 1e-6, "rank " + rank);
      assertTrue(err > 1e-3, "rank " + rank + " error " + err);
    }
    double[][][] full = f.factors(24);
    assertTrue(LowRank.relErr(w, Dense.mul(full[0], full[1]), null) < 1e-20);
  }

  @Test
  void layerWhoseFactorizedFormIsNotSmallerIsLeftAlone() {
    Graph g = rank8Gemm();
    LowRankResult res = LowRank.factorize(g, LowRankOptions.rank("fc0", 30));
    LowRankResult.Layer l = res.layers().get(0);
    assertTrue(l.skipped().contains("not fewer than"), l.skipped());
    assertEquals(l.paramsBefore(), l.paramsAfter());
    assertEquals(1, TestGraphs.count(res.graph(), Op.GEMM));
    java.util.Map<?, ?> layer = (java.util.Map<?, ?>) ((java.util.List<?>) dev.graft.report.Json
        .parseObject(dev.graft.report.Json.write(res.toJson()), "report").get("layers")).get(0);
    assertEquals(30L, ((java.util.Map<?, ?>) layer.get("rank")).get("after"));
    assertEquals(l.paramsBefore(), ((java.util.Map<?, ?>) layer.get("params")).get("after"));
    assertTrue(((String) ((java.util.List<?>) layer.get("notes")).get(0))
        .startsWith("left alone: rank"));
  }

  @Test
  void rejectsBadRanksEnergiesAndPatterns() {
    Graph g = rank8Gemm();
    GraftException zero = assertThrows(GraftException.class, () -> LowRankOptions.rank("fc0", 0));
    GraftException over = assertThrows(GraftException.class,
        () -> LowRank.factorize(g, LowRankOptions.rank("fc0", 33)));
    GraftException energy = assertThrows(GraftException.class,
        () -> LowRankOptions.energy("fc0", 1.5));
    GraftException none = assertThrows(GraftException.class,
        () -> LowRank.factorize(g, LowRankOptions.rank("stage9.*", 4)));
    for (GraftException e : List.of(zero, over, energy, none)) {
      assertEquals(2, e.exitStatus());
      assertTrue(!e.getMessage().contains("\n"));
    }
    assertTrue(over.getMessage().contains("full rank 32"), over.getMessage());
    assertTrue(none.getMessage().contains("'stage9.*'") && none.getMessage().contains("fc0"),
        none.getMessage());
  }
}
