package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the default options image inputs and outputs are NHWC, so conv nets have no TRANSPOSE at
 * all, other rank-4 tensors keep ONNX's order, and verification feeds and reads each in its own
 * layout; {@code IoLayout.NCHW} keeps ONNX's order everywhere.
 */
class IoLayoutTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  @ParameterizedTest
  @ValueSource(strings = {"modern/mobilenetv2_035.onnx", "modern/mobilenetv3_small_050.onnx",
      "models/mobilenetv2.onnx"})
  void mobileNetsHaveNoTransposeAndAnNhwcImageInputByDefault(String file) {
    Graph g = OnnxReader.read(Fixtures.root().resolve(file));
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(0, r.count("TRANSPOSE"), r.opCounts().toString());
    ConvertResult.Io in = r.io(g.inputNames().get(0), true);
    long side = file.startsWith("modern") ? 96 : 64;
    assertArrayEquals(new long[] {1, side, side, 3}, in.shape());
    ConvertResult.Io out = r.io(g.outputNames().get(0), false);
    assertEquals("ONNX", out.layoutName()); // logits: rank 2
    assertEquals(in.name() + "=NHWC;" + out.name() + "=ONNX",
        TfliteModel.read(r.bytes()).metadata().get("graft_io_layout"));
    NdArray x = Npy.read(Fixtures.root().resolve(file.startsWith("modern")
        ? "modern/mobile.input.npy" : "models/mobilenetv2.input.npy"));
    Verification.run(g, r, ConvertOptions.defaults(), Map.of(in.name(), x.rows(0, 2)), liteRt)
        .require(new Verification.Bound(1e-4, 0));
  }

  /**
   * An image normalized before its convolution and a rank-4 tensor that a MatMul reads (as
   * attention reads [batch, heads, tokens, dim]): the image and the convolution's output are
   * NHWC, the other input and output keep ONNX's order, and no TRANSPOSE is written.
   */
  @Test
  void onlyImagesTurnNhwcAndVerificationFeedsEachInItsLayout() {
    Graph g = twoInputs();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(0, r.count("TRANSPOSE"), r.opCounts().toString());
    assertEquals("image=NHWC;tokens=ONNX;features=NHWC;proj=ONNX",
        TfliteModel.read(r.bytes()).metadata().get("graft_io_layout"));
    assertArrayEquals(new long[] {1, 8, 8, 3}, r.io("image", true).shape());
    assertArrayEquals(new long[] {1, 8, 8, 4}, r.io("features", false).shape());
    assertArrayEquals(new long[] {1, 2, 4, 8}, r.io("tokens", true).shape());
    Map<String, NdArray> x = ConvNetConversionTest.samples(g, 3, 11);
    Verification.Report rep = Verification.run(g, r, ConvertOptions.defaults(), x, liteRt);
    rep.require(new Verification.Bound(1e-5, 0));

    ConvertOptions nchw = ConvertOptions.defaults().withIoLayout(IoLayout.NCHW);
    ConvertResult b = TfliteConverter.convert(g, nchw);
    // one after the image input, one before the image output
    assertEquals(2, b.count("TRANSPOSE"), b.opCounts().toString());
    assertEquals("image=ONNX;tokens=ONNX;features=ONNX;proj=ONNX",
        TfliteModel.read(b.bytes()).metadata().get("graft_io_layout"));
    Verification.run(g, b, nchw, x, liteRt).require(new Verification.Bound(1e-5, 0));
  }

  @Test
  void int8CalibratesAndVerifiesOnNhwcInputs() {
    Graph g = twoInputs();
    Map<String, NdArray> x = ConvNetConversionTest.samples(g, 32, 12);
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8).withCalibration(x);
    ConvertResult r = TfliteConverter.convert(g, o);
    assertTrue(r.io("image", true).nhwc());
    Verification.Report rep = Verification.run(g, r, o, x, liteRt);
    System.out.printf("two inputs int8: %s%n", rep);
    // calibrated on these rows in the file's layout: within a few int8 steps of the range
    rep.require(new Verification.Bound(0.05, 0));
  }

  static Graph twoInputs() {
    Random rnd = new Random(3);
    return Graph.builder().name("two_inputs").opset(13)
        .input(new ValueInfo("image", DType.FLOAT, Shape.of(1, 3, 8, 8)))
        .input(new ValueInfo("tokens", DType.FLOAT, Shape.of(1, 2, 4, 8)))
        .initializer(TensorData.ofFloats("mean", new long[] {1, 3, 1, 1},
            new float[] {0.4f, 0.5f, 0.6f}))
        .initializer(TensorData.ofFloats("w", new long[] {4, 3, 3, 3}, gaussian(rnd, 108)))
        .initializer(TensorData.ofFloats("b", new long[] {4}, gaussian(rnd, 4)))
        .initializer(TensorData.ofFloats("m", new long[] {8, 5}, gaussian(rnd, 40)))
        .node(Node.of("norm", Op.SUB, List.of("image", "mean"), List.of("centred")))
        .node(new Node("conv", Op.CONV, List.of("centred", "w", "b"), List.of("c"),
            List.of(Attribute.ints("pads", 1, 1, 1, 1))))
        .node(Node.of("relu", Op.RELU, List.of("c"), List.of("features")))
        .node(Node.of("proj", Op.MAT_MUL, List.of("tokens", "m"), List.of("proj")))
        .output(new ValueInfo("features", DType.FLOAT, Shape.of(1, 4, 8, 8)))
        .output(new ValueInfo("proj", DType.FLOAT, Shape.of(1, 2, 4, 5)))
        .build();
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian() * 0.5f;
    }
    return v;
  }
}
