package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainerTest {
  private static final int D = 6;
  private static final int H = 16;

  /** y = relu(x W1 + b1) W2 + b2 with seeded small random weights. */
  static Graph mlp(long seed) {
    Random r = new Random(seed);
    Graph.Builder b = Graph.builder().name("mlp")
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(List.of(Dim.symbol("batch"), Dim.of(D)))));
    b.initializer(TensorData.ofFloats("w1", new long[] {D, H}, rand(r, D * H, 0.4)));
    b.initializer(TensorData.ofFloats("b1", new long[] {H}, new float[H]));
    b.initializer(TensorData.ofFloats("w2", new long[] {H, 2}, rand(r, H * 2, 0.25)));
    b.initializer(TensorData.ofFloats("b2", new long[] {2}, new float[2]));
    GraphEmitter e = new GraphEmitter(b, "n/", DType.FLOAT);
    String h = e.op(Op.RELU, List.of(e.op(Op.GEMM, List.of("x", "w1", "b1"))));
    e.opTo("y", Op.GEMM, List.of(h, "w2", "b2"));
    return b.output(new ValueInfo("y", DType.FLOAT,
        Shape.of(List.of(Dim.symbol("batch"), Dim.of(2))))).build();
  }

  static float[] rand(Random r, int n, double scale) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextGaussian() * scale);
    }
    return f;
  }

  /** Targets: a smooth nonlinear function of x, learnable by the MLP. */
  static TrainingData data(int rows, boolean poison) {
    Random r = new Random(3);
    float[] x = rand(r, rows * D, 1.0);
    float[] y = new float[rows * 2];
    for (int i = 0; i < rows; i++) {
      double a = 0;
      double c = 0;
      for (int j = 0; j < D; j++) {
        a += x[i * D + j] * (j % 2 == 0 ? 0.5 : -0.3);
        c += x[i * D + j] * 0.2 * j;
      }
      y[i * 2] = (float) Math.tanh(a);
      y[i * 2 + 1] = (float) Math.max(0, c);
    }
    if (poison) {
      x[17] = Float.NaN;
    }
    return InMemoryData.of(Map.of("x", NdArray.of(x, rows, D)), "y", NdArray.of(y, rows, 2),
        0.2, 0L);
  }

  private static final List<String> PARAMS = List.of("w1", "b1", "w2", "b2");

  @Test
  void fits_a_nonlinear_target_and_reports_the_curve() {
    List<EpochStats> seen = new ArrayList<>();
    TrainOptions o = TrainOptions.defaults().withEpochs(40).withBatchSize(32).withLr(1e-2)
        .withPatience(40).withThreads(1).withListener((s, epochs, eta) -> seen.add(s));
    TrainResult r = Trainer.fit(mlp(1), PARAMS, data(1000, false), o);
    assertEquals(40, r.curve().size());
    assertEquals(r.curve(), seen);
    double first = r.curve().get(0).trainMse();
    double last = r.curve().get(39).trainMse();
    assertTrue(last < first / 10, "train MSE went from " + first + " to " + last);
    assertTrue(r.heldOutRelMse() < 0.05, "held-out relative MSE " + r.heldOutRelMse());
    assertTrue(r.trainRelMse() < 0.05, "train relative MSE " + r.trainRelMse());
    assertTrue(r.samplesPerSecond() > 0);
    assertTrue(r.trainCpuSeconds() > 0, "CPU seconds of the loop " + r.trainCpuSeconds());
    assertEquals(D * H, r.params().get("w1").floats().length);
  }

  @Test
  void several_steps_per_call_equal_one_step_per_call() {
    TrainOptions o = TrainOptions.defaults().withEpochs(2).withBatchSize(40).withLr(5e-3)
        .withThreads(1);
    // 280 training rows: 7 steps per epoch, so 4 steps per call leave a remainder of 3 single steps
    TrainingData d = data(350, false);
    TrainResult many = Trainer.fit(mlp(1), PARAMS, d, o.withStepsPerCall(4));
    TrainResult one = Trainer.fit(mlp(1), PARAMS, d, o.withStepsPerCall(1));
    float[] a = many.params().get("w1").floats();
    float[] b = one.params().get("w1").floats();
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1e-5, "w1[" + i + "]");
    }
  }

  @Test
  void a_step_of_a_gigaflop_runs_one_step_per_call_and_a_small_mlp_several() {
    assertTrue(!Trainer.heavy(mlp(1), 64));
    // 64 -> 64 channels, 3x3 on 14x14: 7.2 M MACs a sample, 1.39 G a training step at batch 64
    Graph.Builder b = Graph.builder().name("conv").input(new ValueInfo("x", DType.FLOAT,
        Shape.of(List.of(Dim.symbol("batch"), Dim.of(64), Dim.of(14), Dim.of(14)))));
    b.initializer(TensorData.ofFloats("w", new long[] {64, 64, 3, 3}, new float[64 * 64 * 9]));
    new GraphEmitter(b, "n/", DType.FLOAT).opTo("y", Op.CONV, List.of("x", "w"),
        dev.graft.graph.Attribute.ints("pads", 1, 1, 1, 1));
    Graph conv = b.output(new ValueInfo("y", DType.FLOAT,
        Shape.of(List.of(Dim.symbol("batch"), Dim.of(64), Dim.of(14), Dim.of(14))))).build();
    assertTrue(Trainer.heavy(conv, 64));
    assertTrue(!Trainer.heavy(conv, 4));
  }

  @Test
  void steps_per_call_divide_the_epoch_where_a_close_divisor_exists() {
    assertEquals(5, Trainer.stepsPerCall(8, 25)); // the thin-conv bench: 1,600 rows, batch 64
    assertEquals(3, Trainer.stepsPerCall(4, 6));
    assertEquals(8, Trainer.stepsPerCall(8, 64));
    assertEquals(4, Trainer.stepsPerCall(4, 7)); // prime: the remainder runs one step per call
    assertEquals(6, Trainer.stepsPerCall(8, 6));
    assertEquals(1, Trainer.stepsPerCall(1, 25));
  }

  @Test
  void the_same_seed_gives_the_same_parameters() {
    TrainOptions o = TrainOptions.defaults().withEpochs(2).withBatchSize(40).withThreads(1);
    TrainResult a = Trainer.fit(mlp(1), PARAMS, data(300, false), o);
    TrainResult b = Trainer.fit(mlp(1), PARAMS, data(300, false), o);
    assertArrayEquals(a.params().get("w2").floats(), b.params().get("w2").floats());
  }

  @Test
  void refuses_nan_in_the_training_data() {
    GraftException e = assertThrows(GraftException.class, () -> Trainer.fit(mlp(1), PARAMS,
        data(200, true), TrainOptions.defaults().withEpochs(1)));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void a_diverging_loss_is_a_failure() {
    GraftException e = assertThrows(GraftException.class, () -> Trainer.fit(mlp(1), PARAMS,
        data(400, false), TrainOptions.defaults().withEpochs(20).withLr(1e6).withPatience(20)));
    assertEquals(1, e.exitStatus());
    assertTrue(e.getMessage().contains("diverged"), e.getMessage());
  }
}
