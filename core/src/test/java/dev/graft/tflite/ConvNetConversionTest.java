package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConvNetConversionTest {
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  static Map<String, NdArray> samples(Graph g, int rows, long seed) {
    Random r = new Random(seed);
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (ValueInfo v : g.inputs()) {
      long[] s = v.shape().bind(v.shape().dim(0).isKnown() ? "" : v.shape().dim(0).symbol(), 1)
          .sizes();
      s[0] = rows;
      float[] x = new float[(int) NdArray.elementCount(s)];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat();
      }
      out.put(v.name(), NdArray.of(x, s));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist-8.onnx", "cnn_mnist_pytorch11.onnx", "ultraface-slim-320.onnx"})
  void fp32MatchesOnnxRuntimeWithNoTransposeAndNhwcImageInputs(String file) {
    Graph g = OnnxReader.read(Fixtures.thirdParty(file));
    ConvertOptions o = ConvertOptions.defaults().withRecipe("test recipe");
    ConvertResult r = TfliteConverter.convert(g, o);
    TfliteModel m = TfliteModel.read(r.bytes());
    assertEquals(0, m.opCounts().getOrDefault("TRANSPOSE", 0), m.opCounts().toString());
    assertTrue(r.count("CONV_2D") >= 2, r.opCounts().toString());
    assertEquals(g.inputNames(), m.signatureInputs());
    ConvertResult.Io in = r.io().get(0);
    assertTrue(in.input() && in.nhwc(), r.io().toString());
    long[] s = in.onnxShape();
    assertArrayEquals(new long[] {s[0], s[2], s[3], s[1]}, in.shape());
    assertEquals(1, s[0]); // the symbolic batch, bound
    assertEquals(g.outputNames(), m.signatureOutputs());
    assertEquals(OnnxWriter.GRAFT_VERSION, m.metadata().get("graft_version"));
    assertEquals("test recipe", m.metadata().get("graft_recipe"));
    Verification.Report rep = Verification.run(g, r, o, samples(g, 4, 1), liteRt);
    System.out.printf("%s fp32: %s%n", file, rep);
    rep.require(new Verification.Bound(1e-4, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist-8.onnx", "cnn_mnist_pytorch11.onnx", "ultraface-slim-320.onnx"})
  void onnxLayoutAtTheBoundaryCostsAtMostOneTransposeEach(String file) {
    Graph g = OnnxReader.read(Fixtures.thirdParty(file));
    ConvertOptions o = ConvertOptions.defaults().withIoLayout(IoLayout.NCHW);
    ConvertResult r = TfliteConverter.convert(g, o);
    int boundary = g.inputs().size() + g.outputs().size();
    assertTrue(r.count("TRANSPOSE") <= boundary, r.opCounts().toString());
    Verification.Report rep = Verification.run(g, r, o, samples(g, 4, 2), liteRt);
    System.out.printf("%s fp32 nchw io: %s%n", file, rep);
    assertTrue(r.io().stream().noneMatch(ConvertResult.Io::nhwc), r.io().toString());
    rep.require(new Verification.Bound(1e-4, 0));
  }
}
