package dev.graft.replace;

import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
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
import dev.graft.region.Region;
import dev.graft.train.InMemoryData;
import dev.graft.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small teachers built in code, with a region in the middle, and their recorded activations. */
final class Teachers {
  private Teachers() {}

  static Shape batched(long... rest) {
    List<Dim> d = new ArrayList<>(List.of(Dim.symbol("batch")));
    for (long r : rest) {
      d.add(Dim.of(r));
    }
    return Shape.of(d);
  }

  static float[] gaussian(Random r, int n, double std) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextGaussian() * std);
    }
    return f;
  }

  /**
   * input [B,T,D] → pre: MatMul → region "blk": h = relu(x W1) W2; e = x + h → post: MatMul →
   * logits. The region's entry is {@code pre_out}, its exit {@code blk_out}.
   */
  static Graph tokens(int t, int d, long seed) {
    Random r = new Random(seed);
    Graph.Builder b = Graph.builder().name("tokens").input(
        new ValueInfo("input", DType.FLOAT, batched(t, d)));
    b.initializer(TensorData.ofFloats("pre_w", new long[] {d, d}, gaussian(r, d * d, 1 / Math.sqrt(d))));
    b.initializer(TensorData.ofFloats("w1", new long[] {d, 2 * d}, gaussian(r, 2 * d * d, 1 / Math.sqrt(d))));
    b.initializer(TensorData.ofFloats("w2", new long[] {2 * d, d}, gaussian(r, 2 * d * d, 0.5 / Math.sqrt(d))));
    b.initializer(TensorData.ofFloats("post_w", new long[] {d, 3}, gaussian(r, 3 * d, 1 / Math.sqrt(d))));
    b.node(Node.of("/pre/MatMul", Op.MAT_MUL, List.of("input", "pre_w"), List.of("pre_out")));
    b.node(Node.of("/blk/MatMul", Op.MAT_MUL, List.of("pre_out", "w1"), List.of("blk_h")));
    b.node(Node.of("/blk/Relu", Op.RELU, List.of("blk_h"), List.of("blk_r")));
    b.node(Node.of("/blk/MatMul_1", Op.MAT_MUL, List.of("blk_r", "w2"), List.of("blk_f")));
    b.node(Node.of("/blk/Add", Op.ADD, List.of("pre_out", "blk_f"), List.of("blk_out")));
    b.node(Node.of("/post/MatMul", Op.MAT_MUL, List.of("blk_out", "post_w"), List.of("logits")));
    return b.output(new ValueInfo("logits", DType.FLOAT, batched(t, 3))).build();
  }

  static Region tokensRegion() {
    return new Region("blk", "blk", 1, 4,
        List.of("/blk/MatMul", "/blk/Relu", "/blk/MatMul_1", "/blk/Add"), "pre_out", "blk_out",
        List.of());
  }

  /**
   * input [B,C,H,W] → stem conv → region "res": relu(conv3x3(relu(conv3x3(x)))) + x → conv 1x1 →
   * logits [B,2,H,W]. Entry {@code stem}, exit {@code res_out}.
   */
  static Graph convs(int c, int hw, long seed) {
    Random r = new Random(seed);
    Graph.Builder b = Graph.builder().name("convs").input(
        new ValueInfo("input", DType.FLOAT, batched(1, hw, hw)));
    b.initializer(TensorData.ofFloats("stem_w", new long[] {c, 1, 3, 3}, gaussian(r, c * 9, 0.5)));
    b.initializer(TensorData.ofFloats("c1_w", new long[] {2 * c, c, 3, 3},
        gaussian(r, 18 * c * c, Math.sqrt(2.0 / (9 * c)))));
    b.initializer(TensorData.ofFloats("c1_b", new long[] {2 * c}, gaussian(r, 2 * c, 0.1)));
    b.initializer(TensorData.ofFloats("c2_w", new long[] {c, 2 * c, 3, 3},
        gaussian(r, 18 * c * c, 0.5 / Math.sqrt(18 * c))));
    b.initializer(TensorData.ofFloats("head_w", new long[] {2, c, 1, 1}, gaussian(r, 2 * c, 0.3)));
    Attribute pads = Attribute.ints("pads", 1, 1, 1, 1);
    b.node(Node.of("/stem/Conv", Op.CONV, List.of("input", "stem_w"), List.of("stem"), pads));
    b.node(Node.of("/res/c1/Conv", Op.CONV, List.of("stem", "c1_w", "c1_b"), List.of("res_1"),
        pads));
    b.node(Node.of("/res/Relu", Op.RELU, List.of("res_1"), List.of("res_2")));
    b.node(Node.of("/res/c2/Conv", Op.CONV, List.of("res_2", "c2_w"), List.of("res_3"), pads));
    b.node(Node.of("/res/Add", Op.ADD, List.of("stem", "res_3"), List.of("res_out")));
    b.node(Node.of("/head/Conv", Op.CONV, List.of("res_out", "head_w"), List.of("logits")));
    return b.output(new ValueInfo("logits", DType.FLOAT, batched(2, hw, hw))).build();
  }

  static Region convRegion() {
    return new Region("res", "res", 1, 4,
        List.of("/res/c1/Conv", "/res/Relu", "/res/c2/Conv", "/res/Add"), "stem", "res_out",
        List.of());
  }

  /** Random inputs run through the teacher, recording the region's entry and exit. */
  static TrainingData record(Graph teacher, Region region, int rows, long seed) {
    Random r = new Random(seed);
    Shape s = teacher.inputs().get(0).shape();
    long[] in = new long[s.rank()];
    in[0] = rows;
    for (int i = 1; i < in.length; i++) {
      in[i] = s.dim(i).value();
    }
    Graph g = teacher.toBuilder().outputs(List.of(
        new ValueInfo(region.entry(), DType.FLOAT, null),
        new ValueInfo(region.exit(), DType.FLOAT, null))).build();
    try (OrtRunner run = OrtRunner.open(g, Device.CPU)) {
      int n = (int) NdArray.elementCount(in);
      Map<String, NdArray> out = run.run(Map.of("input", NdArray.of(gaussian(r, n, 1.0), in)));
      return InMemoryData.of(Map.of(region.entry(), out.get(region.entry())), region.exit(),
          out.get(region.exit()), 0.2, seed);
    }
  }

  /** Runs a model on one input and returns its first output. */
  static NdArray run(Graph g, NdArray input) {
    try (OrtRunner run = OrtRunner.open(g, Device.CPU)) {
      return run.run(Map.of(g.inputNames().get(0), input)).get(g.outputNames().get(0));
    }
  }
}
