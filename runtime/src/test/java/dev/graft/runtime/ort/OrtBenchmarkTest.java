package dev.graft.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.runtime.Accelerator;
import dev.graft.runtime.Backend;
import dev.graft.runtime.Backends;
import dev.graft.runtime.Benchmark;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.BenchmarkResult;
import dev.graft.runtime.MemoryUsage;
import dev.graft.runtime.OutputCheck;
import dev.graft.runtime.ReferenceData;
import dev.graft.runtime.SchemaAssert;
import dev.graft.runtime.TestModels;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness on ONNX Runtime (CPU) with real models. */
class OrtBenchmarkTest {
  private static final BenchmarkOptions FAST =
      BenchmarkOptions.builder().warmup(2).runs(8).threads(1).build();

  @TempDir File tmp;

  /** One seeded input and the outputs ONNX Runtime computes for it, saved as npy files. */
  private static File reference(File model, long[] shape, File dir) throws Exception {
    Random r = new Random(42);
    float[] x = new float[(int) NdArray.elementCount(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    List<NdArray> in = Collections.singletonList(NdArray.of(x, shape));
    try (Backend ort = Backends.create("ort")) {
      ort.load(model, FAST);
      ReferenceData.of(in, ort.run(in)).save(dir);
    }
    return dir;
  }

  @Test
  void benchmarksMnistWithReferenceOutputsAndWritesSchemaValidJson() throws Exception {
    File ref = reference(TestModels.mnist8(), new long[] {1, 1, 28, 28}, new File(tmp, "ref"));
    Benchmark bench = Benchmark.builder().options(FAST).build();

    BenchmarkResult r = bench.run("ort", TestModels.mnist8(), ReferenceData.load(ref));

    assertEquals(BenchmarkResult.Status.PASSED, r.status());
    assertEquals(OutputCheck.Status.PASSED, r.outputCheck().status());
    assertEquals(0.0, r.outputCheck().outputs().get(0).maxAbsErr(), 1e-6);
    assertEquals(8, r.timings().runsMs().length);
    assertEquals(8, r.stats().count());
    assertTrue(r.stats().min() <= r.stats().p50() && r.stats().p50() <= r.stats().max());
    assertTrue(r.timings().loadMs() > 0);
    assertEquals("reference", r.inputs().get(0).source());
    assertEquals("Input3", r.inputs().get(0).name());
    assertEquals("CPU", r.backendDetails().get("execution_provider"));
    assertEquals(64, r.model().sha256().length());
    assertFalse(r.memory().isEmpty());
    for (MemoryUsage m : r.memory()) {
      assertTrue(m.peakBytes() >= m.baselineBytes(), m.probe());
      assertTrue(m.peakBytes() > 0, m.probe());
    }
    String json = r.toJson();
    SchemaAssert.assertValid(json);
    BenchmarkResult back = BenchmarkResult.fromJson(json);
    assertEquals(json, back.toJson());
  }

  @Test
  void int32TokenIdsFeedAnOnnxTransformerThatTakesInt64() throws Exception {
    List<NdArray> in = new java.util.ArrayList<>();
    for (String name : new String[] {"input_ids", "attention_mask"}) {
      NdArray ids = Npy.readAsStored(TestModels.file("hf_bert_tiny." + name + ".npy").toPath());
      long[] v = ids.longs();
      int[] narrow = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        narrow[i] = Math.toIntExact(v[i]);
      }
      in.add(NdArray.ofInts(narrow, ids.shape()));
    }
    NdArray logits =
        Npy.readAsStored(TestModels.file("hf_bert_tiny.expected_logits.npy").toPath());

    BenchmarkResult r = Benchmark.builder().options(FAST).build().run("ort",
        TestModels.file("hf_bert_tiny.onnx"),
        ReferenceData.of(in, Collections.singletonList(logits)));

    assertTrue(r.passed(), r.outputCheck().reason());
    assertEquals(0.0, r.outputCheck().outputs().get(0).maxAbsErr(), 1e-5);
  }

  @Test
  void catchesAWrongReferenceOutput() throws Exception {
    File ref = reference(TestModels.cnnMnist(), new long[] {1, 1, 28, 28}, new File(tmp, "ref"));
    ReferenceData good = ReferenceData.load(ref);
    NdArray expected = good.outputs().get(0);
    ReferenceData wrong = ReferenceData.of(good.inputs(),
        Collections.singletonList(expected.withElement(3, expected.getDouble(3) + 0.5)));

    BenchmarkResult r = Benchmark.builder().options(FAST).build()
        .run("ort", TestModels.cnnMnist(), wrong);

    assertEquals(BenchmarkResult.Status.FAILED, r.status());
    assertFalse(r.passed());
    OutputCheck.Comparison c = r.outputCheck().outputs().get(0);
    assertEquals(0.5, c.maxAbsErr(), 1e-5);
    assertEquals(1, c.mismatches());
    assertFalse(c.passed());
    assertTrue(r.outputCheck().reason().startsWith("First inference: "), r.outputCheck().reason());
    SchemaAssert.assertValid(r.toJson());
    assertEquals(BenchmarkResult.Status.FAILED, BenchmarkResult.fromJson(r.toJson()).status());
  }

  @Test
  void dynamicBatchTakesSyntheticBatchOneOrAReferenceBatchOfThree() throws Exception {
    BenchmarkResult synthetic = Benchmark.builder().options(FAST).build()
        .run("ort", TestModels.cnnMnist(), null);
    assertEquals(OutputCheck.Status.SKIPPED, synthetic.outputCheck().status());
    assertTrue(synthetic.passed());
    assertEquals("synthetic", synthetic.inputs().get(0).source());
    assertEquals(1, synthetic.inputs().get(0).shape()[0]);
    SchemaAssert.assertValid(synthetic.toJson());

    File ref = reference(TestModels.cnnMnist(), new long[] {3, 1, 28, 28}, new File(tmp, "b3"));
    BenchmarkResult batch3 = Benchmark.builder().options(FAST).build()
        .run("ort", TestModels.cnnMnist(), ReferenceData.load(ref));
    assertTrue(batch3.passed());
    assertEquals(3, batch3.outputCheck().outputs().get(0).shape()[0]);
  }

  @Test
  void missingModelIsAClearErrorNamingTheFile() {
    File missing = new File(tmp, "no-such-model.onnx");
    Benchmark bench = Benchmark.builder().options(FAST).build();

    BenchmarkException e =
        assertThrows(BenchmarkException.class, () -> bench.run("ort", missing, null));
    assertEquals(BenchmarkException.Code.MODEL_NOT_FOUND, e.code());
    assertEquals("Model file not found: " + missing.getPath(), e.getMessage());
    assertEquals(2, e.code().exitStatus());

    BenchmarkResult r = bench.runOrError("ort", missing, null);
    assertEquals(BenchmarkResult.Status.ERROR, r.status());
    assertEquals("model_not_found", r.error().code());
    assertNull(r.timings());
    SchemaAssert.assertValid(r.toJson());
    assertEquals(e.getMessage(), BenchmarkResult.fromJson(r.toJson()).error().message());
  }

  @Test
  void channelsLastReferenceImagesForAnNchwModelSayToTranspose() {
    ReferenceData ref = ReferenceData.of(
        Collections.singletonList(NdArray.of(new float[784], new long[] {1, 28, 28, 1})),
        Collections.<NdArray>emptyList());
    BenchmarkException e = assertThrows(BenchmarkException.class,
        () -> Benchmark.builder().options(FAST).build().run("ort", TestModels.mnist8(), ref));
    assertEquals(BenchmarkException.Code.BAD_INPUT, e.code());
    assertTrue(e.getMessage().endsWith("; the model takes NCHW images and these are"
        + " channels-last (NHWC): transpose them"), e.getMessage());
  }

  @Test
  void referenceInputOfWrongShapeNamesTheModelInput() {
    ReferenceData ref = ReferenceData.of(
        Collections.singletonList(NdArray.of(new float[784], new long[] {1, 28, 28})),
        Collections.<NdArray>emptyList());
    BenchmarkException e = assertThrows(BenchmarkException.class,
        () -> Benchmark.builder().options(FAST).build().run("ort", TestModels.mnist8(), ref));
    assertEquals(BenchmarkException.Code.BAD_INPUT, e.code());
    assertEquals("Input 0 is float32[1, 28, 28] but model input 'Input3' takes "
        + "float32[1, 1, 28, 28] (-1: any size)", e.getMessage());
  }

  @Test
  void acceleratorsMissingFromTheDesktopBuildFailClearly() {
    for (Accelerator a : new Accelerator[] {Accelerator.NNAPI, Accelerator.GPU}) {
      BenchmarkOptions o = FAST.toBuilder().accelerator(a).build();
      BenchmarkException e = assertThrows(BenchmarkException.class,
          () -> Benchmark.builder().options(o).build().run("ort", TestModels.mnist8(), null));
      assertEquals(BenchmarkException.Code.BACKEND_UNAVAILABLE, e.code());
      String expected = a == Accelerator.GPU
          ? "Accelerator gpu is not offered by backend ort, expected one of [cpu, xnnpack, nnapi]"
          : "ONNX Runtime execution provider NNAPI is not in this build (available: ";
      assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
  }

  @Test
  void aFileOnnxRuntimeCannotParseIsAnUnsupportedModel() throws IOException {
    File junk = new File(tmp, "junk.onnx");
    Files.write(junk.toPath(), "not a model".getBytes(StandardCharsets.US_ASCII));
    BenchmarkException e = assertThrows(BenchmarkException.class,
        () -> Benchmark.builder().options(FAST).build().run("ort", junk, null));
    assertEquals(BenchmarkException.Code.UNSUPPORTED_MODEL, e.code());
    assertTrue(e.getMessage().startsWith("ONNX Runtime cannot load " + junk.getPath() + ": "),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
