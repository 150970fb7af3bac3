package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.graph.ShapeInference;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import dev.graft.testing.TokenRows;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hugging Face BERT and Llama as torch 2.11's dynamo exporter writes them (external weights,
 * opset 20, GatherElements, GatherND and IsNaN; {@code fixtures/third_party/README.md}): Graft
 * reads them, its graph reproduces PyTorch's logits in ONNX Runtime, and the TFLite files agree
 * with ONNX Runtime in LiteRT.
 */
class DynamoTransformersTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  static Graph model(String name) {
    return OnnxReader.read(Fixtures.thirdParty(name + ".onnx"));
  }

  /** The export's own sample: what PyTorch's expected logits were computed on. */
  static Map<String, NdArray> sample(String name) {
    Map<String, NdArray> in = new LinkedHashMap<>();
    in.put("input_ids", Npy.read(Fixtures.thirdParty(name + ".input_ids.npy")));
    if (name.equals("hf_bert_tiny")) {
      in.put("attention_mask", Npy.read(Fixtures.thirdParty(name + ".attention_mask.npy")));
    }
    return in;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hf_bert_tiny", "hf_llama_tiny"})
  void graftsGraphGivesPyTorchsLogitsInOnnxRuntime(String name) {
    Graph g = model(name);
    NdArray expected = Npy.read(Fixtures.thirdParty(name + ".expected_logits.npy"));
    Graph shaped = ShapeInference.infer(g);
    assertEquals(expected.shape().length, shaped.info("logits").orElseThrow().shape().rank());
    NdArray got;
    try (OrtRunner ort = OrtRunner.open(g, Device.CPU)) {
      got = ort.run(sample(name)).get("logits");
    }
    float[] a = got.floats();
    float[] b = expected.floats();
    assertEquals(b.length, a.length);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    // the exporter's own check measured 3.0e-8 (BERT) and 4.8e-7 (Llama)
    assertTrue(worst < 2e-6, name + ": max abs difference from PyTorch " + worst);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hf_bert_tiny", "hf_llama_tiny"})
  void fp32TfliteAgreesWithOnnxRuntimeAndKeepsTheMaskGatherAsAReshape(String name) {
    Graph g = model(name);
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    assertEquals(2, r.count("NOT_EQUAL"), r.opCounts().toString()); // the two NaN guards
    assertEquals(0, r.count("GATHER_ND"), r.opCounts().toString());
    Verification.Report rep = Verification.run(g, r, ConvertOptions.defaults(),
        TokenRows.of(24, 1, name.equals("hf_bert_tiny")), liteRt);
    System.out.printf("%s fp32: %s %s%n", name, rep, r.opCounts());
    // measured 3.9e-7 (BERT) and 5.2e-7 (Llama) of the output scale
    assertTrue(rep.worstRelativeError() < 1e-5, rep.toString());
    assertEquals(1.0, rep.top1Agreement(), 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hf_bert_tiny", "hf_llama_tiny"})
  void int8DynamicTfliteStaysWithinAFewPercentOfTheOutputScale(String name) {
    Graph g = model(name);
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8_DYNAMIC);
    ConvertResult r = TfliteConverter.convert(g, o);
    Verification.Report rep = Verification.run(g, r, o, TokenRows.of(24, 2, name.equals("hf_bert_tiny")), liteRt);
    System.out.printf("%s int8-dynamic: %s%n", name, rep);
    // random weights leave the top logits close: the error is judged on the scale, not top-1
    assertTrue(rep.worstRelativeError() < 0.05, rep.toString());
  }

  /**
   * {@code graft convert --verify} without calibration data made float samples for the token
   * ids, which LiteRT refused ("input 0 'input_ids' expects dtype int32, got float32").
   */
  @org.junit.jupiter.api.Test
  void randomVerificationSamplesOfTokenInputsAreIdsInTheVocabularyAndMasksOfZerosAndOnes() {
    Graph g = model("hf_bert_tiny");
    Map<String, NdArray> x = TfliteExport.randomSamples(g, 8, 0);
    long[] ids = x.get("input_ids").longs();
    long[] mask = x.get("attention_mask").longs();
    assertEquals(8 * 16, ids.length);
    assertTrue(java.util.Arrays.stream(ids).allMatch(v -> v >= 0 && v < 1000));
    assertTrue(java.util.Arrays.stream(ids).anyMatch(v -> v >= 500));
    assertTrue(java.util.Arrays.stream(mask).allMatch(v -> v == 0 || v == 1));
    ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
    Verification.Report rep = Verification.run(g, r, ConvertOptions.defaults(), x, liteRt);
    assertTrue(rep.worstRelativeError() < 1e-5, rep.toString());
  }
}
