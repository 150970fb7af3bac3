package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NCHW reshape/transpose idioms (channel shuffle, pixel unshuffle, pixel shuffle spelled with
 * view/permute) are rewritten for NHWC: the file has no more TRANSPOSE ops than the ONNX model
 * and computes the same.
 */
class LayoutIdiomsTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  static long onnxTransposes(Graph g) {
    return g.nodes().stream().filter(n -> n.op() == Op.TRANSPOSE).count();
  }

  @Test
  void idiomsCostNoMoreTransposesThanTheOnnxModel() {
    Graph g = OnnxReader.read(Fixtures.model("layout_idioms.onnx"));
    assertEquals(3, onnxTransposes(g));
    ConvertOptions nhwc = ConvertOptions.defaults();
    ConvertResult r = TfliteConverter.convert(g, nhwc);
    // one TRANSPOSE per idiom, where NCHW-order lowering needed three
    assertEquals(3, r.count("TRANSPOSE"), r.opCounts().toString());
    Verification.run(g, r, nhwc, ConvNetConversionTest.samples(g, 4, 3), liteRt)
        .require(new Verification.Bound(1e-5, 0));
    ConvertOptions nchw = ConvertOptions.defaults().withIoLayout(IoLayout.NCHW);
    ConvertResult b = TfliteConverter.convert(g, nchw);
    assertTrue(b.count("TRANSPOSE") <= 3 + 1, b.opCounts().toString());
    Verification.run(g, b, nchw, ConvNetConversionTest.samples(g, 4, 4), liteRt)
        .require(new Verification.Bound(1e-5, 0));
  }

  @Test
  void shuffleNetHasOneTransposePerChannelShuffleAsTheOnnxModelWithDefaultOptions() {
    Graph g = OnnxReader.read(Fixtures.root().resolve("modern").resolve("shufflenetv2_x05.onnx"));
    ConvertOptions nhwc = ConvertOptions.defaults();
    ConvertResult r = TfliteConverter.convert(g, nhwc);
    assertEquals(onnxTransposes(g), r.count("TRANSPOSE"), r.opCounts().toString());
    Verification.run(g, r, nhwc, ConvNetConversionTest.samples(g, 2, 6), liteRt)
        .require(new Verification.Bound(1e-4, 0));
  }

  @Test
  void pixelShuffleIsOneDepthToSpaceAfterItsConvolution() {
    Graph g = OnnxReader.read(Fixtures.model("pixel_shuffle.onnx"));
    ConvertOptions nhwc = ConvertOptions.defaults();
    ConvertResult r = TfliteConverter.convert(g, nhwc);
    // CRD DepthToSpace after a conv: the conv's channels reordered, one DEPTH_TO_SPACE;
    // the pixel unshuffle keeps its one TRANSPOSE
    assertEquals(1, r.count("DEPTH_TO_SPACE"), r.opCounts().toString());
    assertEquals(onnxTransposes(g), r.count("TRANSPOSE"), r.opCounts().toString());
    Verification.run(g, r, nhwc, ConvNetConversionTest.samples(g, 4, 7), liteRt)
        .require(new Verification.Bound(1e-5, 0));
  }

  /**
   * MobileViT's transformer blocks: a stream held as NHWC (it comes from a convolution) and
   * copied to ONNX's order for its LayerNorm meets the block's matrix product there, so that
   * the residual Adds cost no TRANSPOSE (torch 2.11's export of timm's mobilevit_xxs: 99 → 63).
   */
  @Test
  void residualAddsMeetTheStreamInTheLayoutItWasAlreadyCopiedTo() {
    java.util.Random rnd = new java.util.Random(2);
    float[] w = new float[4 * 3 * 3 * 3];
    float[] m = new float[8 * 8];
    for (float[] a : java.util.List.of(w, m)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) rnd.nextGaussian() * 0.3f;
      }
    }
    Graph.Builder b = Graph.builder().name("stream").opset(17)
        .input(new dev.graft.graph.ValueInfo("x", dev.graft.io.DType.FLOAT,
            dev.graft.graph.Shape.of(1, 3, 8, 8)))
        .initializer(dev.graft.graph.TensorData.ofFloats("w", new long[] {4, 3, 3, 3}, w))
        .initializer(dev.graft.graph.TensorData.ofFloats("m", new long[] {8, 8}, m))
        .initializer(dev.graft.graph.TensorData.ofFloats("s", new long[] {8},
            new float[] {1, 1, 1, 1, 1, 1, 1, 1}))
        .node(dev.graft.graph.Node.of("conv", Op.CONV, java.util.List.of("x", "w"),
            java.util.List.of("h0"), dev.graft.graph.Attribute.ints("pads", 1, 1, 1, 1)));
    for (int k = 0; k < 2; k++) {
      String in = "h" + k;
      b.node(dev.graft.graph.Node.of("ln" + k, Op.LAYER_NORMALIZATION,
          java.util.List.of(in, "s"), java.util.List.of("n" + k),
          dev.graft.graph.Attribute.of("axis", -1L)));
      b.node(dev.graft.graph.Node.of("mm" + k, Op.MAT_MUL, java.util.List.of("n" + k, "m"),
          java.util.List.of("f" + k)));
      b.node(dev.graft.graph.Node.of("add" + k, Op.ADD, java.util.List.of(in, "f" + k),
          java.util.List.of("h" + (k + 1))));
    }
    Graph g = b.output(new dev.graft.graph.ValueInfo("h2", dev.graft.io.DType.FLOAT, null))
        .build();
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    // the conv's NHWC output copied once to ONNX's order; before: a TRANSPOSE per Add and Norm
    assertEquals(1, r.count("TRANSPOSE"), r.opCounts().toString());
    Verification.run(g, r, ConvertOptions.defaults(), ConvNetConversionTest.samples(g, 4, 5),
        liteRt).require(new Verification.Bound(1e-5, 0));
  }
}
