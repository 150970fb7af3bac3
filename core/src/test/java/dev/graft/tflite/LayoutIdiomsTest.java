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
}
