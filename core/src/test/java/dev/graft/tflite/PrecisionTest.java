package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.LiteRtForTests;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fp16 and int8-dynamic files are smaller and stay close to ONNX Runtime in LiteRT. */
class PrecisionTest {
  /** At most one flip in 64 samples (none in mobilenetv2's 8). */
  static final double FP16_TOP1 = 0.98;

  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, test_x_img.npy",
    "mobilenetv2.onnx, mobilenetv2.input.npy",
    "deep_mlp.onnx, test_x_flat.npy",
    "transformer_encoder.onnx, test_x_tokens.npy"
  })
  void fp16HalvesTheFileAndStaysWithinTwoPercentOfScale(String file, String input) {
    Graph g = OnnxReader.read(TrainedModelsTest.model(file));
    ConvertResult fp32 = TfliteConverter.convert(g, ConvertOptions.defaults());
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.FP16);
    ConvertResult fp16 = TfliteConverter.convert(g, o);
    double ratio = (double) fp16.size() / fp32.size();
    assertTrue(ratio > 0.45 && ratio < 0.6, "fp16/fp32 size ratio " + ratio);
    assertTrue(fp16.count("DEQUANTIZE") > 0);
    // XNNPACK folds the DEQUANTIZEs at load only when filter and bias are both fp16; a layer
    // whose bias fp16 would round more than its filter stays float32 whole
    int kept = 0;
    for (String layer : TfliteModel.read(fp16.bytes()).layerParameters()) {
      assertTrue(layer.matches("\\w+ (FLOAT16>FLOAT32 (FLOAT16>FLOAT32|-)|FLOAT32 FLOAT32)"),
          layer);
      kept += layer.endsWith("FLOAT32 FLOAT32") ? 1 : 0;
    }
    assertEquals(kept, fp16.floatLayers().size());
    Map<String, NdArray> x = Map.of("input", TrainedModelsTest.data(file, input, 64));
    Verification.Report rep = Verification.run(g, fp16, o, x, liteRt);
    System.out.printf("%s fp16 %d/%d bytes (%.3f): %s%n", file, fp16.size(), fp32.size(), ratio,
        rep);
    // fp16 rounding moves no decision: top-1 agreement measured 1.0 on all four models
    rep.require(new Verification.Bound(2e-2, FP16_TOP1));
  }

  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, test_x_img.npy",
    "deep_mlp.onnx, test_x_flat.npy",
    "transformer_encoder.onnx, test_x_tokens.npy"
  })
  void int8DynamicKeepsTop1OnHeldOutDigits(String file, String input) {
    Graph g = OnnxReader.read(TrainedModelsTest.model(file));
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8_DYNAMIC);
    ConvertResult r = TfliteConverter.convert(g, o);
    assertTrue(TfliteModel.read(r.bytes()).constantTypes().getOrDefault("INT8", 0) > 0);
    // fully connected layers: hybrid kernels; convolutions: int8 weights dequantized at load
    int convs = 0;
    for (String layer : TfliteModel.read(r.bytes()).layerParameters()) {
      String expected = layer.startsWith("FULLY_CONNECTED") ? "FULLY_CONNECTED INT8 (FLOAT32|-)"
          : "\\w+ INT8>FLOAT32 FLOAT32";
      assertTrue(layer.matches(expected), layer);
      convs += layer.startsWith("FULLY_CONNECTED") ? 0 : 1;
    }
    assertEquals(convs, r.count("DEQUANTIZE"));
    assertEquals(convs, r.floatLayers().size());
    Map<String, NdArray> x = Map.of("input", TrainedModelsTest.data(file, input, 200));
    Verification.Report rep = Verification.run(g, r, o, x, liteRt);
    System.out.printf("%s int8-dynamic %d bytes: %s%n", file, r.size(), rep);
    rep.require(new Verification.Bound(0.1, 0.99));
  }
}
