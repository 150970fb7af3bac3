package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.graft.exec.Device;
import dev.graft.exec.Session;
import dev.graft.exec.Tensors;
import dev.graft.graph.Attribute;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.train.TrainingData.Split;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardedStepsTest {
  private static final List<String> PARAMS = List.of("w1", "b1", "w2");

  /**
   * y = x + conv(relu(conv(x, w1) + b1), w2): a residual block of {@code c} channels on {@code
   * size}² maps, 3×3 kernels, seeded random weights; {@code tail} may add nodes after it.
   */
  static Graph block(int c, int size, UnaryOperator<String> tail, GraphEmitter[] emitter) {
    Random r = new Random(5);
    Shape s = Shape.of(List.of(Dim.symbol("batch"), Dim.of(c), Dim.of(size), Dim.of(size)));
    Graph.Builder b = Graph.builder().name("block").input(new ValueInfo("x", DType.FLOAT, s));
    b.initializer(TensorData.ofFloats("w1", new long[] {c, c, 3, 3},
        TrainerTest.rand(r, c * c * 9, 0.2)));
    b.initializer(TensorData.ofFloats("b1", new long[] {c}, TrainerTest.rand(r, c, 0.1)));
    b.initializer(TensorData.ofFloats("w2", new long[] {c, c, 3, 3},
        TrainerTest.rand(r, c * c * 9, 0.2)));
    GraphEmitter e = new GraphEmitter(b, "n/", DType.FLOAT);
    emitter[0] = e;
    Attribute pads = Attribute.ints("pads", 1, 1, 1, 1);
    String h = e.op(Op.RELU, List.of(e.op(Op.CONV, List.of("x", "w1", "b1"), pads)));
    String y = e.op(Op.ADD, List.of("x", e.op(Op.CONV, List.of(h, "w2"), pads)));
    e.opTo("y", Op.IDENTITY, List.of(tail.apply(y)));
    return b.output(new ValueInfo("y", DType.FLOAT, s)).build();
  }

  static Graph block(int c, int size) {
    return block(c, size, y -> y, new GraphEmitter[1]);
  }

  /** The block with {@code tail} applied to its output, emitted by the block's emitter. */
  static Graph withTail(java.util.function.BiFunction<GraphEmitter, String, String> tail) {
    GraphEmitter[] e = new GraphEmitter[1];
    return block(4, 6, y -> tail.apply(e[0], y), e);
  }

  static TrainingData data(int rows, int c, int size) {
    Random r = new Random(9);
    int n = c * size * size;
    float[] x = TrainerTest.rand(r, rows * n, 1.0);
    float[] t = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      t[i] = (float) Math.tanh(x[i]) + 0.1f * x[(i + 1) % x.length];
    }
    return InMemoryData.of(Map.of("x", NdArray.of(x, rows, c, size, size)), "t",
        NdArray.of(t, rows, c, size, size), 0.2, 1);
  }

  @Test
  void a_step_over_two_shards_equals_the_step_over_the_whole_batch() throws Exception {
    Graph student = block(4, 6);
    TrainingData data = data(40, 4, 6);
    AdamW opt = new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.01, 2, 20, 0.05);
    int[] rows = IntStream.range(0, 16).toArray();
    float[] scalars = opt.stepScalars(3);
    Map<String, OnnxTensor> state = state(student);
    Map<String, float[]> whole = new HashMap<>();
    try (Session s = Session.open(TrainingGraph.build(student, PARAMS, 16, 1, opt), Device.CPU, 1);
        BatchFeed feed = new BatchFeed(data, 16, 1)) {
      Map<String, OnnxTensor> in = new HashMap<>(state);
      in.putAll(feed.fill(data, Split.TRAIN, rows, scalars));
      try (OrtSession.Result r = s.run(in)) {
        r.forEach(en -> whole.put(en.getKey(), Tensors.floats(en.getValue())));
      }
    }
    // shards fill their inputs on their own threads from in-memory data, else one after another
    for (TrainingData d : List.of(data, oneReaderAtATime(data))) {
      try (ShardedSteps sharded = new ShardedSteps(student, PARAMS, 16, 2, opt, TrainLoss.MSE,
          d, Device.CPU, 2); OrtSession.Result r = sharded.run(state, d, rows, scalars)) {
        assertEquals(whole.keySet().size(), r.size());
        for (Map.Entry<String, float[]> en : whole.entrySet()) {
          float[] got = Tensors.floats(r.get(en.getKey()).orElseThrow());
          float[] want = en.getValue();
          assertEquals(want.length, got.length, en.getKey());
          for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * (1 + Math.abs(want[i])),
                en.getKey() + "[" + i + "]");
          }
        }
      }
    }
    state.values().forEach(OnnxTensor::close);
  }

  /** The data as a store that cannot be read from two threads at once would present it. */
  private static TrainingData oneReaderAtATime(TrainingData d) {
    return new TrainingData() {
      @Override
      public int rows(Split split) {
        return d.rows(split);
      }

      @Override
      public List<String> inputNames() {
        return d.inputNames();
      }

      @Override
      public String targetName() {
        return d.targetName();
      }

      @Override
      public long[] rowShape(String tensor) {
        return d.rowShape(tensor);
      }

      @Override
      public Map<String, NdArray> batch(Split split, int[] rows) {
        return d.batch(split, rows);
      }
    };
  }

  private static Map<String, OnnxTensor> state(Graph student) {
    Map<String, OnnxTensor> state = new LinkedHashMap<>();
    int total = 0;
    for (String p : PARAMS) {
      TensorData t = student.initializer(p).orElseThrow();
      state.put(p, Tensors.of(t.floats(), t.dims()));
      total += t.floats().length;
    }
    // non-zero moments, so that the step's use of them is checked too
    float[] m = TrainerTest.rand(new Random(2), total, 0.01);
    float[] v = new float[total];
    for (int i = 0; i < total; i++) {
      v[i] = m[i] * m[i] + 1e-4f;
    }
    state.put(TrainingGraph.MOMENT1, Tensors.of(m, new long[] {total}));
    state.put(TrainingGraph.MOMENT2, Tensors.of(v, new long[] {total}));
    return state;
  }

  @Test
  void a_heavy_conv_step_on_two_cores_is_sharded_and_trains_as_the_whole_batch_does() {
    // 16 channels on 24x24: 2 x 1.3 M MACs a sample, 0.5 G a training step at batch 64
    Graph student = block(16, 24);
    assertTrue(Trainer.heavy(student, 64));
    assertEquals(2, BatchShards.count(student, 64, TrainLoss.MSE, Device.CPU, 2));
    TrainingData data = data(160, 16, 24);
    TrainOptions o = TrainOptions.defaults().withEpochs(2).withBatchSize(64).withLr(3e-3);
    TrainResult sharded = Trainer.fit(student, PARAMS, data, o.withThreads(2));
    TrainResult whole = Trainer.fit(student, PARAMS, data, o.withThreads(1));
    assertEquals(2, sharded.shards());
    assertEquals(1, whole.shards());
    double first = whole.curve().get(0).heldOutMse();
    double last = whole.curve().get(1).heldOutMse();
    assertTrue(last < first, "training lowers the held-out MSE: " + first + " -> " + last);
    for (int epoch = 0; epoch < 2; epoch++) {
      double a = sharded.curve().get(epoch).heldOutMse();
      double b = whole.curve().get(epoch).heldOutMse();
      assertEquals(b, a, 1e-4 * b, "epoch " + (epoch + 1));
    }
  }

  @Test
  void on_one_thread_a_widening_convs_input_gradient_is_a_conv_transpose_of_the_same_value()
      throws Exception {
    Map<Boolean, Graph> graphs = oneThreadAndNot(3, 6);
    assertTrue(graphs.get(true).nodes().stream().anyMatch(n -> n.op() == Op.CONV_TRANSPOSE));
    assertFalse(graphs.get(false).nodes().stream().anyMatch(n -> n.op() == Op.CONV_TRANSPOSE));
    assertSameOutputs(graphs, 3, 6);
  }

  @Test
  void on_one_thread_a_narrowing_conv_runs_forward_as_a_conv_transpose_of_the_same_value()
      throws Exception {
    Map<Boolean, Graph> graphs = oneThreadAndNot(6, 3);
    assertEquals(Op.CONV_TRANSPOSE, graphs.get(true).producer("y").orElseThrow().op());
    assertEquals(Op.CONV, graphs.get(false).producer("y").orElseThrow().op());
    assertSameOutputs(graphs, 6, 3);
  }

  /** y = Conv(x, w, b), 3x3 padded, c → o channels, with the gradients of x, w and b from dy. */
  private static Map<Boolean, Graph> oneThreadAndNot(int c, int o) {
    Graph.Builder b = Graph.builder().name("conv")
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, c, 5, 5)))
        .input(new ValueInfo("w", DType.FLOAT, Shape.of(o, c, 3, 3)))
        .input(new ValueInfo("b", DType.FLOAT, Shape.of(o)))
        .input(new ValueInfo("dy", DType.FLOAT, Shape.of(2, o, 5, 5)));
    new GraphEmitter(b, "n/", DType.FLOAT).opTo("y", Op.CONV, List.of("x", "w", "b"),
        Attribute.ints("pads", 1, 1, 1, 1));
    Graph g = b.output(new ValueInfo("y", DType.FLOAT, Shape.of(2, o, 5, 5))).build();
    Map<Boolean, Graph> m = new HashMap<>();
    for (boolean one : new boolean[] {true, false}) {
      m.put(one, Autodiff.gradientsFrom(g, "y", "dy", List.of("x", "w", "b"), one));
    }
    return m;
  }

  /** Both graphs give the same forward output and gradients on seeded random inputs. */
  private static void assertSameOutputs(Map<Boolean, Graph> graphs, int c, int o)
      throws Exception {
    Random r = new Random(4);
    Map<String, OnnxTensor> feed = Map.of(
        "x", Tensors.of(TrainerTest.rand(r, 2 * c * 25, 1), new long[] {2, c, 5, 5}),
        "w", Tensors.of(TrainerTest.rand(r, o * c * 9, 1), new long[] {o, c, 3, 3}),
        "b", Tensors.of(TrainerTest.rand(r, o, 1), new long[] {o}),
        "dy", Tensors.of(TrainerTest.rand(r, 2 * o * 25, 1), new long[] {2, o, 5, 5}));
    Map<Boolean, Map<String, float[]>> out = new HashMap<>();
    for (boolean one : new boolean[] {true, false}) {
      Map<String, float[]> values = new HashMap<>();
      try (Session s = Session.open(graphs.get(one), Device.CPU, 1);
          OrtSession.Result res = s.run(feed)) {
        res.forEach(en -> values.put(en.getKey(), Tensors.floats(en.getValue())));
      }
      out.put(one, values);
    }
    feed.values().forEach(OnnxTensor::close);
    assertEquals(Set.of("y", Autodiff.gradName("x"), Autodiff.gradName("w"),
        Autodiff.gradName("b")), out.get(true).keySet());
    for (String name : out.get(false).keySet()) {
      float[] want = out.get(false).get(name);
      float[] got = out.get(true).get(name);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-5 * (1 + Math.abs(want[i])), name + "[" + i + "]");
      }
    }
  }

  @Test
  void light_steps_other_devices_one_core_and_small_batches_are_not_sharded() {
    Graph student = block(16, 24);
    assertEquals(1, BatchShards.count(block(4, 6), 64, TrainLoss.MSE, Device.CPU, 2));
    assertEquals(1, BatchShards.count(student, 64, TrainLoss.MSE, Device.CUDA, 2));
    assertEquals(1, BatchShards.count(student, 64, TrainLoss.MSE, Device.CPU, 1));
    assertEquals(4, BatchShards.count(student, 64, TrainLoss.MSE, Device.CPU, 4));
    // 96 rows on 8 cores: 6 shards of 16 rows, not 8 of 12
    assertEquals(6, BatchShards.count(student, 96, TrainLoss.MSE, Device.CPU, 8));
    assertEquals(1, BatchShards.threadsPerShard(6, 8));
    assertEquals(2, BatchShards.threadsPerShard(4, 8));
  }

  @Test
  void a_loss_that_divides_by_the_batch_positives_is_not_sharded() {
    TrainLoss masked = TrainLoss.roles(List.of(RoleLoss.Term.of(RoleLoss.Kind.KL, 4, 2),
        RoleLoss.Term.masked(8, 4, 0, 0.5, 0)));
    assertTrue(TrainLoss.MSE.rowSeparable());
    assertTrue(TrainLoss.KL.rowSeparable());
    assertFalse(masked.rowSeparable());
    assertEquals(1, BatchShards.count(block(16, 24), 64, masked, Device.CPU, 2));
  }

  @Test
  void students_that_mix_rows_are_refused_and_per_row_ones_accepted() {
    assertTrue(BatchShards.rowsIndependent(block(4, 6)));
    assertTrue(BatchShards.rowsIndependent(withTail((e, y) -> e.op(Op.SUB, List.of(y,
        e.op(Op.REDUCE_MEAN, List.of(y, e.longs(2, 3)), Attribute.of("keepdims", 1L)))))));
    // a mean over the batch
    assertFalse(BatchShards.rowsIndependent(withTail((e, y) -> e.op(Op.SUB, List.of(y,
        e.op(Op.REDUCE_MEAN, List.of(y, e.longs(0)), Attribute.of("keepdims", 1L)))))));
    // a softmax across the batch
    assertFalse(BatchShards.rowsIndependent(withTail((e, y) -> e.op(Op.SOFTMAX, List.of(y),
        Attribute.of("axis", 0L)))));
    // the batch moved off the first axis and back
    assertFalse(BatchShards.rowsIndependent(withTail((e, y) -> e.op(Op.TRANSPOSE,
        List.of(e.op(Op.TRANSPOSE, List.of(y), Attribute.ints("perm", 1, 0, 2, 3))),
        Attribute.ints("perm", 1, 0, 2, 3)))));
    // rows folded into one: [batch, 4, 6, 6] -> [1, batch * 144] -> back
    assertFalse(BatchShards.rowsIndependent(withTail((e, y) -> e.op(Op.RESHAPE, List.of(
        e.op(Op.RESHAPE, List.of(y, e.longs(1, -1))), e.longs(-1, 4, 6, 6))))));
    // an operator outside the known set
    assertFalse(BatchShards.rowsIndependent(withTail((e, y) -> e.op(Op.TILE, List.of(y,
        e.longs(1, 1, 1, 1))))));
  }
}
