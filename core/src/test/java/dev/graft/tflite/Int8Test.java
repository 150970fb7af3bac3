package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.quant.QuantParams;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Full-integer int8: calibrated on the digits training split, checked on the test split. */
class Int8Test {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, train_x_img.npy, test_x_img.npy",
    "deep_mlp.onnx, train_x_flat.npy, test_x_flat.npy",
    "transformer_encoder.onnx, train_x_tokens.npy, test_x_tokens.npy"
  })
  void fullIntegerKeepsTop1AgreementOnHeldOutDigits(String file, String train, String test) {
    Graph g = OnnxReader.read(TrainedModelsTest.model(file));
    NdArray calib = TrainedModelsTest.data(file, train, 128);
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8)
        .withCalibration(Map.of("input", calib));
    ConvertResult r = TfliteConverter.convert(g, o);
    TfliteModel m = TfliteModel.read(r.bytes());
    assertEquals(List.of("FLOAT32"), m.inputTypes());
    assertTrue(r.count("QUANTIZE") >= 1 && r.count("DEQUANTIZE") >= 1, r.opCounts().toString());
    NdArray held = TrainedModelsTest.data(file, test, 397);
    Verification.Report rep = Verification.run(g, r, o, Map.of("input", held), liteRt);
    System.out.printf("%s int8 %d bytes %s: %s%n", file, r.size(), r.opCounts(), rep);
    rep.require(new Verification.Bound(0.5, 0.99));
  }

  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, train_x_img.npy, test_x_img.npy",
    "deep_mlp.onnx, train_x_flat.npy, test_x_flat.npy"
  })
  void int8InputsAndOutputsGiveTheFloatIoModelsResults(String file, String train, String test) {
    Graph g = OnnxReader.read(TrainedModelsTest.model(file));
    ConvertOptions floatIo = ConvertOptions.defaults().withPrecision(Precision.INT8)
        .withCalibration(Map.of("input", TrainedModelsTest.data(file, train, 128)));
    ConvertOptions o = floatIo.withInt8Io(true);
    ConvertResult r = TfliteConverter.convert(g, o);
    TfliteModel m = TfliteModel.read(r.bytes());
    assertEquals(List.of("INT8"), m.inputTypes());
    assertEquals(List.of("INT8"), m.outputTypes());
    assertEquals(0, r.count("QUANTIZE") + r.count("DEQUANTIZE"), r.opCounts().toString());
    QuantParams in = m.inputQuantization().get(0);
    QuantParams out = m.outputQuantization().get(0);
    assertTrue(in.scale() > 0 && out.scale() > 0);
    NdArray held = TrainedModelsTest.data(file, test, 397);
    // the same network: only where (de)quantization happens differs, so at most one output step
    NdArray fed = r.io("input", true).toFile(held);
    float[] a = Int8Io.run(liteRt, r.bytes(), List.of(fed)).values().iterator().next().asFloats();
    float[] b = liteRt.run(TfliteConverter.convert(g, floatIo).bytes(), List.of(fed)).get(0)
        .asFloats();
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    assertTrue(diff <= out.scale() * 1.001, "int8-io vs float-io differ by " + diff + ", step "
        + out.scale());
    Verification.Report rep = Verification.run(g, r, o, Map.of("input", held), liteRt);
    System.out.printf("%s int8 io: input %s output %s, vs float io %.3g: %s%n", file, in, out,
        diff, rep);
    rep.require(new Verification.Bound(0.5, 0.99));
  }
}
