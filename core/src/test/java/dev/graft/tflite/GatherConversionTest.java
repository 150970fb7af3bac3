package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.testing.LiteRtForTests;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * GatherND, GatherElements and IsNaN in the forms today's dynamo exporter writes for Hugging Face
 * models (the attention mask's reshape by GatherND, the NaN guard after softmax) and with indices
 * computed at run time, converted and run in LiteRT against ONNX Runtime. ONNX's node tests
 * ({@code OnnxNodeConformanceTest}) cover the constant-index forms.
 */
class GatherConversionTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  private static float[] gaussian(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  private static int[] ints(Random r, int n, int lo, int hi) {
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + r.nextInt(hi - lo);
    }
    return x;
  }

  @Test
  void gatherElementsWithIndicesComputedAtRunTimeMatchesOnnxRuntime() {
    Graph g = Graph.builder().name("gather_elements").opset(17)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 3, 5)))
        .input(new ValueInfo("i", DType.INT32, Shape.of(1, 3, 4)))
        .node(Node.of("pick", Op.GATHER_ELEMENTS, List.of("x", "i"), List.of("y"),
            Attribute.of("axis", -1L)))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 3, 4))).build();
    Random r = new Random(3);
    Map<String, NdArray> in = Map.of("x", NdArray.of(gaussian(r, 8 * 15), new long[] {8, 3, 5}),
        "i", NdArray.ofInts(ints(r, 8 * 12, -5, 5), 8, 3, 4)); // negative ones count from the end
    ConvertResult c = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(1, c.count("GATHER_ND"), c.opCounts().toString());
    assertEquals(1, c.count("FLOOR_MOD"), c.opCounts().toString());
    Verification.Report rep = Verification.run(g, c, ConvertOptions.defaults(), in, liteRt);
    assertEquals(0, rep.maxAbsErr(), 1e-7, rep.toString());
  }

  @Test
  void gatherNdWithIndicesComputedAtRunTimeMatchesOnnxRuntime() {
    Graph g = Graph.builder().name("gather_nd").opset(17)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(4, 3, 2)))
        .input(new ValueInfo("i", DType.INT64, Shape.of(4, 2)))
        .node(Node.of("pick", Op.GATHER_ND, List.of("x", "i"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(4, 2))).build();
    Random r = new Random(5);
    long[] idx = new long[4 * 2];
    for (int k = 0; k < 4; k++) {
      idx[2 * k] = r.nextInt(8) - 4;
      idx[2 * k + 1] = r.nextInt(6) - 3;
    }
    Map<String, NdArray> in = Map.of("x", NdArray.of(gaussian(r, 24), new long[] {4, 3, 2}),
        "i", NdArray.ofLongs(idx, 4, 2));
    ConvertResult c = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(1, c.count("GATHER_ND"), c.opCounts().toString());
    Verification.Report rep = Verification.run(g, c, ConvertOptions.defaults(), in, liteRt);
    assertEquals(0, rep.maxAbsErr(), 1e-7, rep.toString());
  }

  /**
   * BERT's mask as torch 2.11 exports it: the 0/1 mask cast to bool, spread to [1, 1, 1, 16] by
   * a GatherND with constant indices that read it in order (one RESHAPE), and-ed with a constant,
   * turned into 0 / -inf and added to the scores; a row with nothing to attend to is NaN after
   * the softmax and zeroed by Where(IsNaN). A fully masked sample checks that NaN path.
   */
  @Test
  void bertMaskAndNanGuardBecomeReshapeAndNotEqualAndMatchOnnxRuntime() {
    int s = 16;
    long[] coords = new long[s * 2];
    for (int j = 0; j < s; j++) {
      coords[2 * j + 1] = j;
    }
    byte[] keep = new byte[s];
    java.util.Arrays.fill(keep, (byte) 1);
    Graph g = Graph.builder().name("bert_mask").opset(20)
        .input(new ValueInfo("mask", DType.INT32, Shape.of(1, s)))
        .input(new ValueInfo("scores", DType.FLOAT, Shape.of(1, 2, s, s)))
        .initializer(TensorData.ofLongs("coords", new long[] {1, 1, 1, s, 2}, coords))
        .initializer(TensorData.ofRaw("rows", DType.BOOL, new long[] {1, 1, s, 1}, keep))
        .initializer(TensorData.scalar("zero", 0f))
        .initializer(TensorData.scalar("lowest", Float.NEGATIVE_INFINITY))
        .node(Node.of("cast", Op.CAST, List.of("mask"), List.of("b"), Attribute.of("to", 9L)))
        .node(Node.of("spread", Op.GATHER_ND, List.of("b", "coords"), List.of("m"),
            Attribute.of("batch_dims", 0L)))
        .node(Node.of("and", Op.AND, List.of("rows", "m"), List.of("both")))
        .node(Node.of("bias", Op.WHERE, List.of("both", "zero", "lowest"), List.of("add")))
        .node(Node.of("masked", Op.ADD, List.of("scores", "add"), List.of("z")))
        .node(Node.of("softmax", Op.SOFTMAX, List.of("z"), List.of("p"),
            Attribute.of("axis", -1L)))
        .node(Node.of("nan", Op.IS_NAN, List.of("p"), List.of("isnan")))
        .node(Node.of("guard", Op.WHERE, List.of("isnan", "zero", "p"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 2, s, s))).build();
    Random r = new Random(8);
    int[] mask = ints(r, 6 * s, 0, 2);
    java.util.Arrays.fill(mask, 0, s, 0); // sample 0 attends to nothing: NaN rows, zeroed
    Map<String, NdArray> in = Map.of("mask", NdArray.ofInts(mask, 6, s),
        "scores", NdArray.of(gaussian(r, 6 * 2 * s * s), new long[] {6, 2, s, s}));
    ConvertResult c = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(0, c.count("GATHER_ND") + c.count("GATHER"), c.opCounts().toString());
    assertEquals(1, c.count("NOT_EQUAL"), c.opCounts().toString());
    Verification.Report rep = Verification.run(g, c, ConvertOptions.defaults(), in, liteRt);
    assertEquals(0, rep.maxAbsErr(), 1e-6, rep.toString());
  }

  @Test
  void gatherNdWithConstantIndicesOutOfOrderIsOneGatherOnTheFlatData() {
    Graph g = Graph.builder().name("gather_nd_const").opset(17)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 3, 4)))
        .initializer(TensorData.ofLongs("i", new long[] {1, 2, 2}, new long[] {0, -1, 0, 0}))
        .node(Node.of("pick", Op.GATHER_ND, List.of("x", "i"), List.of("y")))
        .node(Node.of("twice", Op.ADD, List.of("y", "y"), List.of("z")))
        .output(new ValueInfo("z", DType.FLOAT, Shape.of(1, 2, 4))).build();
    Map<String, NdArray> in = ConvNetConversionTest.samples(g, 4, 2);
    ConvertResult c = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(1, c.count("GATHER"), c.opCounts().toString());
    Verification.Report rep = Verification.run(g, c, ConvertOptions.defaults(), in, liteRt);
    assertEquals(0, rep.maxAbsErr(), 1e-7, rep.toString());
  }

  @Test
  void gatherNdWithBatchAxesAndRunTimeIndicesIsRefusedNamingTheNode() {
    Graph g = Graph.builder().name("batch_nd").opset(17)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 4, 3)))
        .input(new ValueInfo("i", DType.INT64, Shape.of(2, 1)))
        .node(Node.of("pick", Op.GATHER_ND, List.of("x", "i"), List.of("y"),
            Attribute.of("batch_dims", 1L)))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(2, 3))).build();
    Executable convert = () -> TfliteConverter.convert(g, ConvertOptions.defaults());
    GraftException e = assertThrows(GraftException.class, convert);
    assertEquals("node pick (GatherND) with batch_dims and indices computed at run time cannot"
        + " be written to TFLite", e.getMessage());
  }
}
