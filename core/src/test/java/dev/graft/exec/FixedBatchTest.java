package dev.graft.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.data.ArraySource;
import dev.graft.data.RandomSource;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.testing.Fixtures;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose inputs declare a batch of 1, run on many samples. */
class FixedBatchTest {
  @TempDir Path tmp;

  /** Each sample alone through a plain ONNX Runtime session: the reference, output by output. */
  private static Map<String, float[]> batchOneLoop(Graph g, NdArray x) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, List<Float>> acc = new java.util.LinkedHashMap<>();
    try (OrtSession s = env.createSession(OnnxWriter.toBytes(g))) {
      for (int i = 0; i < x.rows(); i++) {
        NdArray row = x.rows(i, 1);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(row.floats()),
                row.shape());
            OrtSession.Result r = s.run(Map.of(g.inputNames().get(0), t))) {
          for (Map.Entry<String, OnnxValue> e : r) {
            FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
            List<Float> l = acc.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            while (b.hasRemaining()) {
              l.add(b.get());
            }
          }
        }
      }
    }
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    acc.forEach((k, v) -> {
      float[] f = new float[v.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = v.get(i);
      }
      out.put(k, f);
    });
    return out;
  }

  private static void assertBitIdentical(Graph g, NdArray x) throws Exception {
    Map<String, float[]> loop = batchOneLoop(g, x);
    try (OrtRunner r = OrtRunner.open(g, Device.CPU)) {
      assertEquals(1, r.fixedBatch());
      Map<String, NdArray> got = r.run(Map.of(g.inputNames().get(0), x));
      assertEquals(loop.keySet(), got.keySet());
      for (ValueInfo o : g.outputs()) {
        NdArray a = got.get(o.name());
        assertEquals(x.rows(), a.shape()[0], o.name());
        assertEquals(o.shape().rank(), a.rank(), o.name());
        float[] want = loop.get(o.name());
        float[] have = a.floats();
        assertEquals(want.length, have.length);
        for (int i = 0; i < want.length; i++) {
          assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(have[i]),
              o.name() + " element " + i);
        }
      }
    }
  }

  @Test
  void mnistEightOnManySamplesIsBitIdenticalToABatchOneLoop() throws Exception {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    NdArray x = Npy.read(Fixtures.root().resolve("fashion").resolve("test_x.npy")).rows(0, 37);
    assertBitIdentical(g, x);
  }

  @Test
  void ultrafaceBothOutputsKeepSamplesApart() throws Exception {
    Graph g = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    NdArray x = new RandomSource(Map.of("input", new long[] {3, 240, 320}), 5, 7, -1, 1)
        .batch(0, 5).get("input");
    assertBitIdentical(g, x);
  }

  @Test
  void captureRecordsOneRowPerSampleOfAFixedBatchModel() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    NdArray x = Npy.read(Fixtures.root().resolve("fashion").resolve("test_x.npy")).rows(0, 20);
    List<String> tensors = List.of("Pooling160_Output_0", "Plus214_Output_0");
    try (ActivationStore s = Capture.run(g, tensors, ArraySource.of(Map.of("Input3", x)),
        new Capture.Options(8, Device.CPU, tmp, null))) {
      assertEquals(20, s.rows());
      assertArrayEquals(new long[] {16, 4, 4}, s.rowShape("Pooling160_Output_0"));
      assertArrayEquals(new long[] {10}, s.rowShape("Plus214_Output_0"));
    }
  }

  @Test
  void rebindingGivesMnistEightABatchThatMatchesTheLoop() throws Exception {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    Graph batched = BatchRebinding.symbolic(g, "batch").orElseThrow();
    assertEquals("batch", batched.inputs().get(0).shape().dim(0).symbol());
    NdArray x = Npy.read(Fixtures.root().resolve("fashion").resolve("test_x.npy")).rows(0, 16);
    float[] want = batchOneLoop(g, x).values().iterator().next();
    try (OrtRunner r = OrtRunner.open(batched, Device.CPU)) {
      assertEquals(0, r.fixedBatch());
      float[] have = r.run(Map.of("Input3", x)).values().iterator().next().floats();
      assertArrayEquals(want, have, 1e-3f);
    }
  }

  @Test
  void aRuntimeErrorIsOneLineWithAllOfOnnxRuntimesMessage() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    NdArray wrong = NdArray.of(new float[2 * 27 * 27], 2, 1, 27, 27);
    try (OrtRunner r = OrtRunner.open(g, Device.CPU)) {
      dev.graft.GraftException e = org.junit.jupiter.api.Assertions.assertThrows(
          dev.graft.GraftException.class, () -> r.run(Map.of("Input3", wrong)));
      assertEquals(dev.graft.GraftException.Kind.FAILURE, e.kind());
      assertEquals(1, e.getMessage().lines().count());
      assertTrue(e.getMessage().contains("Got: 27 Expected: 28"), e.getMessage());
    }
  }

  @Test
  void rebindingRefusesAGraphThatMixesSamples() {
    Graph g = Graph.builder().opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 4)))
        .node(Node.of("cat", Op.CONCAT, List.of("x", "x"), List.of("y"),
            dev.graft.graph.Attribute.of("axis", 0L)))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(2, 4)))
        .build();
    assertTrue(BatchRebinding.symbolic(g, "batch").isEmpty());
    Graph ultraface = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    assertTrue(BatchRebinding.symbolic(ultraface, "batch").isPresent());
  }
}
