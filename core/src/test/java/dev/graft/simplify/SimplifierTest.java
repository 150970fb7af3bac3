package dev.graft.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.exec.Capture;
import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimplifierTest {
  private static void bn(Graph.Builder b, Random r, String name, String in, String out, int c) {
    float[] var = TestGraphs.uniform(r, c, 1, 2);
    b.initializer(TensorData.ofFloats(name + ".g", new long[] {c}, TestGraphs.uniform(r, c, .5, 1)));
    b.initializer(TensorData.ofFloats(name + ".b", new long[] {c}, TestGraphs.randn(r, c, 0.5)));
    b.initializer(TensorData.ofFloats(name + ".m", new long[] {c}, TestGraphs.randn(r, c, 0.5)));
    b.initializer(TensorData.ofFloats(name + ".v", new long[] {c}, var));
    b.node(Node.of(name, Op.BATCH_NORMALIZATION,
        List.of(in, name + ".g", name + ".b", name + ".m", name + ".v"), List.of(out),
        Attribute.of("epsilon", 1e-3f)));
  }

  /** Conv → BN → Relu → Identity → Conv → BN → Dropout → Flatten → Gemm → BN. */
  static Graph convBnModel() {
    Random r = new Random(21);
    Graph.Builder b = Graph.builder();
    b.input(new ValueInfo("x", DType.FLOAT,
        Shape.of(List.of(Dim.symbol("batch"), Dim.of(3), Dim.of(8), Dim.of(8)))));
    b.initializer(TensorData.ofFloats("w1", new long[] {8, 3, 3, 3}, TestGraphs.randn(r, 216, .2)));
    b.initializer(TensorData.ofFloats("b1", new long[] {8}, TestGraphs.randn(r, 8, .1)));
    b.initializer(TensorData.ofFloats("w2", new long[] {4, 8, 3, 3}, TestGraphs.randn(r, 288, .3)));
    b.initializer(TensorData.ofFloats("w3", new long[] {6, 256}, TestGraphs.randn(r, 1536, .03)));
    b.initializer(TensorData.ofFloats("b3", new long[] {6}, TestGraphs.randn(r, 6, .1)));
    Attribute pads = Attribute.ints("pads", 1, 1, 1, 1);
    Attribute k = Attribute.ints("kernel_shape", 3, 3);
    b.node(Node.of("/c1/Conv", Op.CONV, List.of("x", "w1", "b1"), List.of("c1"), pads, k));
    bn(b, r, "/bn1/BatchNormalization", "c1", "n1", 8);
    b.node(Node.of("/act/Relu", Op.RELU, List.of("n1"), List.of("a1")));
    b.node(Node.of("/id/Identity", Op.IDENTITY, List.of("a1"), List.of("i1")));
    b.node(Node.of("/c2/Conv", Op.CONV, List.of("i1", "w2"), List.of("c2"), pads, k));
    bn(b, r, "/bn2/BatchNormalization", "c2", "n2", 4);
    b.node(Node.of("/drop/Dropout", Op.DROPOUT, List.of("n2"), List.of("d2")));
    b.node(Node.of("/Flatten", Op.FLATTEN, List.of("d2"), List.of("f")));
    b.node(Node.of("/fc/Gemm", Op.GEMM, List.of("f", "w3", "b3"), List.of("g"),
        Attribute.of("transB", 1L)));
    bn(b, r, "/bn3/BatchNormalization", "g", "y", 6);
    b.output(new ValueInfo("y", DType.FLOAT, null));
    return b.build();
  }

  @Test
  void foldsBatchNormsIntoConvAndGemmExactly() {
    Graph g = convBnModel();
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.exactOnly());
    assertEquals(3, r.batchNormsFolded().size());
    assertEquals(0, TestGraphs.count(r.graph(), Op.BATCH_NORMALIZATION));
    assertEquals(2, r.identitiesRemoved());
    assertEquals(0, TestGraphs.count(r.graph(), Op.IDENTITY) + TestGraphs.count(r.graph(), Op.DROPOUT));
    NdArray x = NdArray.of(TestGraphs.randn(new Random(1), 64 * 192, 1), 64, 3, 8, 8);
    double err = TestGraphs.maxAbsDiff(g, r.graph(), "x", x);
    float[] y = Capture.run(g, java.util.Map.of("x", x)).get("y").floats();
    double scale = 0;
    for (float v : y) {
      scale = Math.max(scale, Math.abs(v));
    }
    // float32 rounding of the folded weights: 1e-5 at outputs of unit scale
    assertTrue(scale > 0.5 && scale < 4, "outputs are of unit scale: " + scale);
    assertTrue(err <= 1e-5, "BN folding max abs error " + err);
    assertTrue(r.paramsAfter() < r.paramsBefore());
    java.util.Map<String, Object> json = dev.graft.report.Json.parseObject(
        dev.graft.report.Json.write(r.toJson()), "report");
    assertEquals(java.util.Map.of("before", r.paramsBefore(), "after", r.paramsAfter()),
        json.get("params"));
    assertEquals(r.flopsAfter(), ((java.util.Map<?, ?>) json.get("flops")).get("after"));
    assertEquals(3, ((java.util.List<?>) json.get("batch_norms_folded")).size());
  }

  @Test
  void foldsStaticShapeArithmeticAndConstantSubgraphs() {
    Graph.Builder b = Graph.builder();
    b.input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 4, 4)));
    b.initializer(TensorData.vector("idx", 0));
    b.initializer(TensorData.vector("minus1", -1));
    b.initializer(TensorData.ofFloats("k1", new long[] {16}, TestGraphs.randn(new Random(2), 16, 1)));
    b.initializer(TensorData.ofFloats("k2", new long[] {16}, TestGraphs.randn(new Random(3), 16, 1)));
    b.node(Node.of("shape", Op.SHAPE, List.of("x"), List.of("s")));
    b.node(Node.of("gather", Op.GATHER, List.of("s", "idx"), List.of("s0")));
    b.node(Node.of("concat", Op.CONCAT, List.of("s0", "minus1"), List.of("target"),
        Attribute.of("axis", 0L)));
    b.node(Node.of("reshape", Op.RESHAPE, List.of("x", "target"), List.of("flat")));
    b.node(Node.of("add", Op.ADD, List.of("k1", "k2"), List.of("k")));
    b.node(Node.of("mul", Op.MUL, List.of("flat", "k"), List.of("y")));
    b.output(new ValueInfo("y", DType.FLOAT, null));
    Graph g = b.build();
    SimplifyResult r = Simplifier.simplify(g, SimplifyOptions.exactOnly());
    assertEquals(List.of(Op.RESHAPE, Op.MUL), r.graph().nodes().stream().map(Node::op).toList());
    assertEquals(4, r.constantNodesFolded());
    NdArray x = NdArray.of(TestGraphs.randn(new Random(4), 32, 1), 2, 4, 4);
    assertEquals(0.0, TestGraphs.maxAbsDiff(g, r.graph(), "x", x), 1e-6);
  }

  @Test
  void convChainOnInputBoxDropsDeadChannelsAndCollapsesIntoPointwiseConv() {
    Random r = new Random(9);
    Graph.Builder b = Graph.builder();
    b.input(new ValueInfo("x", DType.FLOAT,
        Shape.of(List.of(Dim.symbol("batch"), Dim.of(2), Dim.of(6), Dim.of(6)))));
    float[] b1 = new float[16];
    for (int c = 0; c < 16; c++) {
      b1[c] = c < 6 ? -6f : 6f; // 6 dead channels, 10 active ones
    }
    b.initializer(TensorData.ofFloats("w1", new long[] {16, 2, 3, 3}, TestGraphs.randn(r, 288, .2)));
    b.initializer(TensorData.ofFloats("b1", new long[] {16}, b1));
    b.initializer(TensorData.ofFloats("w2", new long[] {4, 16, 1, 1}, TestGraphs.randn(r, 64, .3)));
    b.initializer(TensorData.ofFloats("b2", new long[] {4}, TestGraphs.randn(r, 4, .1)));
    b.node(Node.of("/c1/Conv", Op.CONV, List.of("x", "w1", "b1"), List.of("h"),
        Attribute.ints("pads", 1, 1, 1, 1), Attribute.ints("kernel_shape", 3, 3)));
    b.node(Node.of("/act/Relu", Op.RELU, List.of("h"), List.of("a")));
    b.node(Node.of("/c2/Conv", Op.CONV, List.of("a", "w2", "b2"), List.of("y"),
        Attribute.ints("kernel_shape", 1, 1)));
    b.output(new ValueInfo("y", DType.FLOAT, null));
    Graph g = b.build();
    SimplifyResult res = Simplifier.simplify(g, SimplifyOptions.inputBox(-1, 1));
    SimplifyResult.ReluLayer l = res.reluLayers().get(0);
    assertEquals(6, l.dead());
    assertEquals(10, l.activeFolded());
    assertTrue(l.collapsed());
    assertEquals(1, TestGraphs.count(res.graph(), Op.CONV));
    NdArray x = NdArray.of(TestGraphs.uniform(new Random(5), 500 * 72, -1, 1), 500, 2, 6, 6);
    assertTrue(TestGraphs.maxAbsDiff(g, res.graph(), "x", x) <= 1e-5);
  }

  @Test
  void rejectsInputBoxWithLoAboveHi() {
    GraftException e = assertThrows(GraftException.class, () -> SimplifyOptions.inputBox(1, 0));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("[1.0, 0.0]"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  /** 256 samples of MobileNetV3's ReLU inputs at 224×224 overflowed graft's 1 GiB heap. */
  @Test
  void calibrationBatchesOfReluInputsFitAnEighthOfTheHeap() {
    Graph big = ShapeInference.infer(Graph.builder()
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(List.of(Dim.symbol("batch"), Dim.of(72),
            Dim.of(112), Dim.of(112)))))
        .node(Node.of("relu", Op.RELU, List.of("x"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, null)).build());
    int rows = Simplifier.batch(big, List.of("x"));
    long bytes = 72L * 112 * 112 * 16; // float in ONNX Runtime, float in Java, double
    assertTrue(rows >= 1 && rows * bytes <= Runtime.getRuntime().maxMemory() / 8,
        rows + " rows");
    Graph small = ShapeInference.infer(Graph.builder()
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(List.of(Dim.symbol("batch"), Dim.of(8)))))
        .node(Node.of("relu", Op.RELU, List.of("x"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, null)).build());
    assertEquals(256, Simplifier.batch(small, List.of("x")));
  }
}
