package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.data.NdArray;
import dev.graft.data.Npy;
import dev.graft.graph.Dims;
import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators of the trained models in {@code fixtures/modern} (HardSwish and squeeze-excite
 * HardSigmoid gates, a ViT's class token and exact GELU), each the one TFLite op it should be,
 * checked in LiteRT against ONNX Runtime on Fashion-MNIST test images.
 */
class ModernFixturesOpsTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    assumeTrue(LiteRt.available(), "LiteRT runner not installed (tools/litert-runner)");
    liteRt = LiteRt.locate();
  }

  private static Graph modern(String file) {
    return OnnxReader.read(Fixtures.root().resolve("modern").resolve(file));
  }

  private static NdArray fashion(int rows) {
    return Npy.read(Fixtures.root().resolve("fashion").resolve("test_x.npy")).rows(0, rows);
  }

  @Test
  void mobileNetV3GatesAreReluZeroToOneAndStayIntegerInInt8AndHardSwishRunsInFloat() {
    Graph g = modern("fm_mobilenetv3.onnx");
    Map<String, NdArray> x = Map.of("input", fashion(64));
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8)
        .withCalibration(x);
    ConvertResult r = TfliteConverter.convert(g, o);
    assertEquals(9, r.count("RELU_0_TO_1"), r.opCounts().toString());
    assertEquals(19, r.count("HARD_SWISH"), r.opCounts().toString());
    // the float input, then each HARD_SWISH back to int8: LiteRT's int8 one is ~6x slower
    assertEquals(1 + 19, r.count("QUANTIZE"), r.opCounts().toString());
    assertEquals(1 + 19, r.count("DEQUANTIZE"), r.opCounts().toString());
    assertEquals(19, r.floatLayers().stream().filter(f -> f.op().equals("HARD_SWISH")).count(),
        r.floatLayers().toString());
    assertEquals(19, r.floatLayers().size(), r.floatLayers().toString());
    Verification.Report rep = Verification.run(g, r, o, x, liteRt);
    System.out.printf("fm_mobilenetv3 int8: %s%n", rep);
    // measured 0.056 of scale and 63/64 top-1 (0.058 with HARD_SWISH in int8; the same with the
    // gates run in float)
    rep.require(new Verification.Bound(0.1, 0.95));
  }

  /**
   * The causal mask of {@code torch.triu} holds float32's lowest value (-3.4e38), not -inf: the
   * mask ADD and the SOFTMAX after it run in float, where an int8 range reaching -3.4e38 (scale
   * 1.3e36) made LiteRT abort the whole file.
   */
  @Test
  void llamaDecoderCausalMaskRunsInFloatAndTheInt8FileRunsInLiteRt() {
    Graph g = Dims.bind(modern("llama_decoder.onnx"), Map.of("sequence", 16L));
    NdArray ids = Npy.read(Fixtures.root().resolve("modern")
        .resolve("llama_decoder.test_input_ids.npy")).rows(0, 64);
    Map<String, NdArray> x = Map.of("input_ids", ids);
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8)
        .withCalibration(x);
    ConvertResult r = TfliteConverter.convert(g, o);
    assertEquals(2, r.count("SOFTMAX"), r.opCounts().toString());
    Verification.Report rep = Verification.run(g, r, o, x, liteRt);
    System.out.printf("llama_decoder int8: %s%n", rep);
    // measured 0.15 of scale and 0.918 top-1 over all 16 positions (on all 256 test rows:
    // positions 2..15, the predictable ones, agree everywhere; positions 0 and 1 have reference
    // margins, median 0.016 and 0.026, below the int8 output step 0.063)
    rep.require(new Verification.Bound(0.3, 0.9));
  }

  @Test
  void mobileNetV3AtOpset13SpellsHardswishAsHardSigmoidTimesXAndGetsHardSwish() {
    Graph g = modern("mobilenetv3_small_050.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(19, r.count("HARD_SWISH"), r.opCounts().toString());
    assertEquals(9, r.count("RELU_0_TO_1"), r.opCounts().toString());
    NdArray x = Npy.read(Fixtures.root().resolve("modern").resolve("mobile.input.npy"));
    Verification.Report rep = Verification.run(g, r, ConvertOptions.defaults(),
        Map.of("input", x.rows(0, 2)), liteRt);
    rep.require(new Verification.Bound(1e-4, 0));
  }

  @Test
  void vitClassTokenExpandAndExactGeluConvertAndMatch() {
    Graph g = modern("fm_vit.onnx");
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(4, r.count("GELU"), r.opCounts().toString());
    // per block: one TRANSPOSE of the joint query/key/value head split (before the Split, not
    // one per part), the key's and the heads' merge: 12, where the ONNX model has 13 Transposes
    assertEquals(12, r.count("TRANSPOSE"), r.opCounts().toString());
    assertTrue(r.count("BATCH_MATMUL") >= 8, r.opCounts().toString());
    Verification.Report rep = Verification.run(g, r, ConvertOptions.defaults(),
        Map.of("input", fashion(32)), liteRt);
    System.out.printf("fm_vit fp32: %s%n", rep);
    rep.require(new Verification.Bound(1e-4, 1.0));
  }
}
