package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operators of current architectures, from TorchScript exports in {@code fixtures/ops} and
 * from the dynamo exporter's forms built here, converted and run in LiteRT against ONNX Runtime.
 */
class ModernOpsConversionTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  static Graph ops(String name) {
    return OnnxReader.read(Fixtures.root().resolve("ops").resolve(name));
  }

  private static Verification.Report verify(Graph g, ConvertResult r, ConvertOptions o) {
    Verification.Report rep = Verification.run(g, r, o,
        ConvNetConversionTest.samples(g, 16, 3), liteRt);
    System.out.printf("%s %s: %s %s%n", g.name(), o.precision().label(), rep, r.opCounts());
    return rep;
  }

  @Test
  void vitClassTokenAndExactGeluBecomeOneGeluAndMatch() {
    Graph g = ops("vit_cls.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(1, r.count("GELU"), r.opCounts().toString());
    verify(g, r, ConvertOptions.defaults()).require(new Verification.Bound(1e-4, 0));
  }

  @Test
  void squeezeExciteGateIsOneReluZeroToOneAfterItsConvAndHardswishIsOneOp() {
    Graph g = ops("se_hard.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(1, r.count("RELU_0_TO_1"), r.opCounts().toString());
    assertEquals(1, r.count("HARD_SWISH"), r.opCounts().toString());
    assertEquals(1, r.count("MUL"), r.opCounts().toString()); // the gate applied to x
    verify(g, r, ConvertOptions.defaults()).require(new Verification.Bound(1e-4, 0));
  }

  @Test
  void decoderWithRmsNormRotaryCausalMasksAndSwigluMatches() {
    Graph g = ops("llama_block.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(1, r.count("SELECT_V2"), r.opCounts().toString()); // masked_fill; triu folded
    // RMSNorm's x.pow(2) and 1 / sqrt(v) as MUL and RSQRT, ops with int8 kernels
    assertEquals(3, r.count("RSQRT"), r.opCounts().toString());
    assertEquals(0, r.count("POW") + r.count("SQRT"), r.opCounts().toString());
    verify(g, r, ConvertOptions.defaults()).require(new Verification.Bound(1e-4, 0));
  }

  /** Grouped convolutions (ResNeXt, RegNet, ShuffleNet v1) as one plain conv per group. */
  @Test
  void groupedConvolutionsBecomeOneConvPerGroupBetweenASplitAndAConcatenation() {
    Graph g = ops("resnext_block.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    // reduce 1, the 4-group 3x3 as 4, the 2-group 1x1 as 2, the shortcut 1
    assertEquals(8, r.count("CONV_2D"), r.opCounts().toString());
    assertEquals(2, r.count("SPLIT_V"), r.opCounts().toString());
    assertEquals(2, r.count("CONCATENATION"), r.opCounts().toString());
    assertEquals(0, r.count("TRANSPOSE"), r.opCounts().toString());
    verify(g, r, ConvertOptions.defaults()).require(new Verification.Bound(1e-5, 0));
  }

  @ParameterizedTest
  @CsvSource({"vit_cls.onnx, FP16", "se_hard.onnx, FP16", "llama_block.onnx, FP16",
      "resnext_block.onnx, FP16", "vit_cls.onnx, INT8", "se_hard.onnx, INT8",
      "llama_block.onnx, INT8", "resnext_block.onnx, INT8"})
  void reducedPrecisionsStayWithinTheirBounds(String file, Precision p) {
    Graph g = ops(file);
    ConvertOptions o = ConvertOptions.defaults().withPrecision(p);
    if (p == Precision.INT8) {
      o = o.withCalibration(ConvNetConversionTest.samples(g, 64, 4));
    }
    ConvertResult r = TfliteConverter.convert(g, o);
    Verification.Report rep = verify(g, r, o);
    rep.require(p == Precision.INT8 ? new Verification.Bound(0.5, 0) : Verification.Bound
        .forPrecision(p));
  }

  /** The dynamo exporter's exact GELU: Div, Erf, Add, then Mul by ½ and by x in either order. */
  @ParameterizedTest
  @ValueSource(strings = {"half-then-x", "x-then-half", "x-times-half-first"})
  void dynamoErfFormsBecomeOneGelu(String order) {
    Graph.Builder b = Graph.builder().name("gelu_" + order).opset(18)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 5)))
        .initializer(TensorData.scalar("sqrt2", (float) Math.sqrt(2)))
        .initializer(TensorData.scalar("one", 1f))
        .initializer(TensorData.scalar("half", 0.5f))
        .node(Node.of("div", Op.DIV, List.of("x", "sqrt2"), List.of("d")))
        .node(Node.of("erf", Op.ERF, List.of("d"), List.of("e")))
        .node(Node.of("add", Op.ADD, List.of("e", "one"), List.of("a")));
    switch (order) {
      case "half-then-x":
        b.node(Node.of("m1", Op.MUL, List.of("half", "a"), List.of("m")))
            .node(Node.of("m2", Op.MUL, List.of("x", "m"), List.of("y")));
        break;
      case "x-then-half":
        b.node(Node.of("m1", Op.MUL, List.of("x", "a"), List.of("m")))
            .node(Node.of("m2", Op.MUL, List.of("half", "m"), List.of("y")));
        break;
      default:
        b.node(Node.of("h", Op.MUL, List.of("x", "half"), List.of("xh")))
            .node(Node.of("m2", Op.MUL, List.of("a", "xh"), List.of("y")));
    }
    Graph g = b.output(new ValueInfo("y", DType.FLOAT, Shape.of(2, 5))).build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(Map.of("GELU", 1), r.opCounts());
    Map<String, NdArray> x = Map.of("x", NdArray.of(
        new float[] {-4, -2, -1, -0.5f, 0, 0.25f, 0.5f, 1, 2, 4}, new long[] {2, 5}));
    Verification.run(g, r, ConvertOptions.defaults(), x, liteRt)
        .require(new Verification.Bound(1e-5, 0));
  }

  @Test
  void torchScriptTanhGeluBecomesOneApproximateGelu() {
    Graph g = ops("gelu_tanh.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(Map.of("FULLY_CONNECTED", 2, "GELU", 1), r.opCounts());
    verify(g, r, ConvertOptions.defaults()).require(new Verification.Bound(1e-4, 0));
  }

  /** The dynamo exporter's tanh GELU: Pow(x, 3), constants first. */
  @Test
  void dynamoTanhGeluWithPowBecomesOneApproximateGelu() {
    Graph g = Graph.builder().name("gelu_tanh_pow").opset(18)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 9)))
        .initializer(TensorData.scalar("three", 3f))
        .initializer(TensorData.scalar("c", 0.044715f))
        .initializer(TensorData.scalar("k", (float) Math.sqrt(2 / Math.PI)))
        .initializer(TensorData.scalar("one", 1f))
        .initializer(TensorData.scalar("half", 0.5f))
        .node(Node.of("cube", Op.POW, List.of("x", "three"), List.of("x3")))
        .node(Node.of("cx3", Op.MUL, List.of("c", "x3"), List.of("t1")))
        .node(Node.of("sum", Op.ADD, List.of("x", "t1"), List.of("t2")))
        .node(Node.of("scale", Op.MUL, List.of("t2", "k"), List.of("t3")))
        .node(Node.of("tanh", Op.TANH, List.of("t3"), List.of("t4")))
        .node(Node.of("add", Op.ADD, List.of("t4", "one"), List.of("t5")))
        .node(Node.of("m1", Op.MUL, List.of("x", "t5"), List.of("t6")))
        .node(Node.of("m2", Op.MUL, List.of("t6", "half"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 9))).build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(Map.of("GELU", 1), r.opCounts());
    Map<String, NdArray> x = Map.of("x", NdArray.of(
        new float[] {-5, -3, -1.5f, -0.5f, 0, 0.5f, 1.5f, 3, 5}, new long[] {1, 9}));
    Verification.run(g, r, ConvertOptions.defaults(), x, liteRt)
        .require(new Verification.Bound(1e-5, 0));
  }

  @Test
  void hardSigmoidOnItsOwnIsAMultiplyAddAndReluZeroToOne() {
    Graph g = Graph.builder().name("hard_sigmoid").opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 8)))
        .node(new Node("hs", Op.HARD_SIGMOID, List.of("x"), List.of("y"),
            List.of(Attribute.of("alpha", 0.25f), Attribute.of("beta", 0.4f))))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 8))).build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(Map.of("MUL", 1, "ADD", 1, "RELU_0_TO_1", 1), r.opCounts());
    Map<String, NdArray> x = Map.of("x", NdArray.of(
        new float[] {-9, -3, -1.6f, -1, 0, 1, 2.4f, 7}, new long[] {1, 8}));
    Verification.run(g, r, ConvertOptions.defaults(), x, liteRt)
        .require(new Verification.Bound(1e-6, 0));
  }

  @Test
  void erfOnItsOwnIsWithinTwoMillionthsOfOnnxRuntime() {
    Graph g = Graph.builder().name("erf").opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 13)))
        .node(Node.of("erf", Op.ERF, List.of("x"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 13))).build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    float[] v = new float[13];
    for (int i = 0; i < v.length; i++) {
      v[i] = -3f + 0.5f * i;
    }
    Verification.run(g, r, ConvertOptions.defaults(), Map.of("x", NdArray.of(v,
        new long[] {1, 13})), liteRt).require(new Verification.Bound(2e-6, 0));
  }

  @Test
  void hardSigmoidAfterAGemmFoldsIntoItsAlphaAndBias() {
    java.util.Random rnd = new java.util.Random(5);
    float[] w = new float[24];
    float[] b = new float[4];
    float[] x = new float[12];
    for (float[] a : List.of(w, b, x)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) rnd.nextGaussian() * 3;
      }
    }
    Graph g = Graph.builder().name("gemm_gate").opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 6)))
        .initializer(TensorData.ofFloats("w", new long[] {4, 6}, w))
        .initializer(TensorData.ofFloats("b", new long[] {4}, b))
        .node(new Node("fc", Op.GEMM, List.of("x", "w", "b"), List.of("h"),
            List.of(Attribute.of("transB", 1L), Attribute.of("beta", 0.5f))))
        .node(new Node("gate", Op.HARD_SIGMOID, List.of("h"), List.of("y"),
            List.of(Attribute.of("alpha", 0.2f))))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(2, 4))).build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(Map.of("FULLY_CONNECTED", 1, "RELU_0_TO_1", 1), r.opCounts());
    Verification.run(g, r, ConvertOptions.defaults(), Map.of("x", NdArray.of(x,
        new long[] {2, 6})), liteRt).require(new Verification.Bound(1e-5, 0));
  }

  /** Token ids are integers: the embedding GATHER stays int8 around them in a full-int8 file. */
  @Test
  void int8EmbeddingGatherKeepsItsIntegerIdsAndStaysInteger() {
    java.util.Random rnd = new java.util.Random(9);
    float[] table = new float[10 * 8];
    float[] w = new float[8 * 4];
    for (float[] a : List.of(table, w)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) rnd.nextGaussian();
      }
    }
    Graph g = Graph.builder().name("embedding").opset(13)
        .input(new ValueInfo("ids", DType.INT32, Shape.of(1, 6)))
        .initializer(TensorData.ofFloats("table", new long[] {10, 8}, table))
        .initializer(TensorData.ofFloats("w", new long[] {8, 4}, w))
        .node(Node.of("embed", Op.GATHER, List.of("table", "ids"), List.of("e")))
        .node(Node.of("proj", Op.MAT_MUL, List.of("e", "w"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 6, 4))).build();
    int[] ids = new int[16 * 6];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rnd.nextInt(10);
    }
    Map<String, NdArray> x = Map.of("ids", NdArray.ofInts(ids, 16, 6));
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8).withCalibration(x);
    ConvertResult r = TfliteConverter.convert(g, o);
    assertEquals(0, r.count("QUANTIZE"), r.opCounts().toString());
    assertEquals(1, r.count("DEQUANTIZE"), r.opCounts().toString()); // the float output only
    Verification.run(g, r, o, x, liteRt).require(new Verification.Bound(0.05, 0));
  }

  /**
   * PyTorch's causal masks fill with float32's lowest value rather than -inf: the int8 file
   * keeps the mask ADD in float (an int8 ADD whose output reaches -3.4e38, scale 1.3e36, made
   * LiteRT abort the file) and the SOFTMAX takes its float scores.
   */
  @Test
  void int8CausalMaskOfFloatLowestRunsItsAddInFloat() {
    float[] mask = new float[16];
    float[] x = new float[32 * 16];
    for (int i = 0; i < 4; i++) {
      for (int j = i + 1; j < 4; j++) {
        mask[i * 4 + j] = -Float.MAX_VALUE;
      }
    }
    java.util.Random rnd = new java.util.Random(4);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    Graph g = Graph.builder().name("masked").opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 4, 4)))
        .initializer(TensorData.ofFloats("mask", new long[] {4, 4}, mask))
        .node(Node.of("add", Op.ADD, List.of("x", "mask"), List.of("s")))
        .node(Node.of("softmax", Op.SOFTMAX, List.of("s"), List.of("y"),
            Attribute.of("axis", -1L)))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 4, 4))).build();
    Map<String, NdArray> in = Map.of("x", NdArray.of(x, new long[] {32, 4, 4}));
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8).withCalibration(in);
    ConvertResult r = TfliteConverter.convert(g, o);
    assertEquals(Map.of("QUANTIZE", 2, "DEQUANTIZE", 2, "ADD", 1, "SOFTMAX", 1), r.opCounts());
    Verification.run(g, r, o, in, liteRt).require(new Verification.Bound(0.05, 0));
  }

  @ParameterizedTest
  @CsvSource({"4, MUL", "0.125, MUL", "-2, MUL", "3, DIV"})
  void divisionByAPowerOfTwoIsAnExactMultiply(float divisor, String op) {
    Graph g = Graph.builder().name("scale").opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 5)))
        .initializer(TensorData.scalar("d", divisor))
        .node(Node.of("div", Op.DIV, List.of("x", "d"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(1, 5))).build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(Map.of(op, 1), r.opCounts());
    Verification.run(g, r, ConvertOptions.defaults(), Map.of("x", NdArray.of(
        new float[] {-3.3f, 0.1f, 1, 7.77f, 1e6f}, new long[] {1, 5})), liteRt)
        .require(new Verification.Bound(0, 0));
  }
}
