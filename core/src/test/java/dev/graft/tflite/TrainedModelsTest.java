package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PyTorch-exported fixtures convert and match ONNX Runtime in LiteRT. */
class TrainedModelsTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  static Path model(String file) {
    return Fixtures.model(file); // committed: a missing one fails the test
  }

  static NdArray data(String model, String file, int rows) {
    Path p = model.startsWith("mobilenet") ? Fixtures.model(file) : Fixtures.digits(file);
    NdArray a = Npy.read(p);
    return a.rows() > rows ? a.rows(0, rows) : a;
  }

  @ParameterizedTest
  @CsvSource({
    "residual_cnn.onnx, test_x_img.npy, true",
    "mobilenetv2.onnx, mobilenetv2.input.npy, true",
    "deep_mlp.onnx, test_x_flat.npy, false",
    "transformer_encoder.onnx, test_x_tokens.npy, false",
    "transformer_encoder_opset13.onnx, test_x_tokens.npy, false"
  })
  void fp32MatchesOnnxRuntime(String file, String input, boolean convNet) {
    Graph g = OnnxReader.read(model(file));
    ConvertOptions o = ConvertOptions.defaults();
    ConvertResult r = TfliteConverter.convert(g, o);
    if (convNet) {
      assertEquals(0, r.count("TRANSPOSE"), r.opCounts().toString());
    }
    Verification.Report rep =
        Verification.run(g, r, o, Map.of("input", data(file, input, 16)), liteRt);
    System.out.printf("%s fp32 %d bytes %s: %s%n", file, r.size(), r.opCounts(), rep);
    rep.require(new Verification.Bound(1e-4, 0));
    assertTrue(rep.top1Agreement() == 1.0);
  }
}
