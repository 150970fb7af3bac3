package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.memory.MemoryProbe;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The intent-extras contract of the Android sample, run on the desktop with ONNX Runtime. */
class BenchJobTest {
  @TempDir File base;

  private static Map<String, Object> args(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void parsesStringExtrasAndBoxedExtrasAlike() throws BenchmarkException {
    BenchJob fromStrings = BenchJob.fromArgs(args("model", "m.tflite", "backend", "tflite-gpu",
        "threads", "4", "runs", "20", "warmup", "3", "allow_fp16", "true", "atol", "0.01",
        "reference", "ref", "out", "r1.json"), base);
    assertEquals(new File(base, "m.tflite"), fromStrings.model());
    assertEquals("tflite", fromStrings.backend());
    assertEquals(Accelerator.GPU, fromStrings.options().accelerator());
    assertEquals(4, fromStrings.options().threads());
    assertEquals(20, fromStrings.options().runs());
    assertEquals(3, fromStrings.options().warmup());
    assertTrue(fromStrings.options().allowFp16());
    assertEquals(0.01, fromStrings.options().atol(), 0);
    assertEquals(new File(base, "ref"), fromStrings.reference());
    assertEquals(new File(base, "r1.json"), fromStrings.out());

    BenchJob boxed = BenchJob.fromArgs(args("model", "/data/local/tmp/graft/m.onnx", "runs", 7,
        "xnnpack", Boolean.FALSE, "rtol", 0.5f, "accelerator", "NNAPI"), base);
    assertEquals(new File("/data/local/tmp/graft/m.onnx"), boxed.model());
    assertEquals("ort", boxed.backend(), "backend follows the .onnx extension");
    assertEquals(Accelerator.NNAPI, boxed.options().accelerator());
    assertEquals(7, boxed.options().runs());
    assertEquals(Boolean.FALSE, boxed.options().xnnpack());
    assertEquals(0.5, boxed.options().rtol(), 0);
    assertNull(boxed.reference());
    assertEquals(new File(base, "result.json"), boxed.out());
  }

  @Test
  void badArgumentsAreOneLineErrorsNamingTheOption() {
    assertEquals("Unknown option 'run', expected one of " + BenchJob.KEYS,
        badArgs(args("model", "m.onnx", "run", "5")));
    assertEquals("Option 'model' is required: the path of the model to benchmark",
        badArgs(args("runs", "5")));
    assertEquals("Option 'runs' must be an integer, got 'many'",
        badArgs(args("model", "m.onnx", "runs", "many")));
    assertEquals("runs must be >= 1, got 0", badArgs(args("model", "m.onnx", "runs", 0)));
    assertEquals("Unknown accelerator 'tpu', expected one of [cpu, xnnpack, gpu, nnapi]",
        badArgs(args("model", "m.onnx", "accelerator", "tpu")));
    assertEquals("Option 'backend' is 'coreml', expected one of [tflite, ort]",
        badArgs(args("model", "m.onnx", "backend", "coreml")));
    assertEquals("Option 'backend' says accelerator gpu but 'accelerator' says nnapi",
        badArgs(args("model", "m.tflite", "backend", "tflite-gpu", "accelerator", "nnapi")));
  }

  private String badArgs(Map<String, Object> a) {
    BenchmarkException e =
        assertThrows(BenchmarkException.class, () -> BenchJob.fromArgs(a, base));
    assertEquals(BenchmarkException.Code.BAD_INPUT, e.code());
    return e.getMessage();
  }

  @Test
  void executeWritesAValidResultFileAndAnErrorResultWhenTheModelIsMissing() throws Exception {
    File model = new File(base, "mnist.onnx");
    Files.copy(TestModels.mnist8().toPath(), model.toPath());
    BenchJob job = BenchJob.fromArgs(args("model", "mnist.onnx", "runs", 3, "warmup", 1), base);
    BenchmarkResult r = job.execute(DeviceInfo.fromSystem(),
        Collections.<MemoryProbe>emptyList());
    assertTrue(r.passed());
    String written = new String(Files.readAllBytes(job.out().toPath()), StandardCharsets.UTF_8);
    SchemaAssert.assertValid(written);
    assertEquals(3, BenchmarkResult.fromJson(written).stats().count());
    assertTrue(BenchJob.summary(r).startsWith("passed ort/cpu load "), BenchJob.summary(r));

    BenchJob missing = BenchJob.fromArgs(args("model", "gone.onnx", "out", "gone.json"), base);
    BenchmarkResult err = missing.execute(DeviceInfo.fromSystem(),
        Collections.<MemoryProbe>emptyList());
    assertEquals("model_not_found", err.error().code());
    SchemaAssert.assertValid(new String(Files.readAllBytes(missing.out().toPath()),
        StandardCharsets.UTF_8));
    assertEquals("error ort/cpu: Model file not found: " + new File(base, "gone.onnx"),
        BenchJob.summary(err));
  }

  @Test
  void rejectedArgumentsStillLeaveAResultFileForThePollingCaller() throws Exception {
    Map<String, Object> a = args("model", "m.onnx", "runs", "x");
    BenchmarkException e =
        assertThrows(BenchmarkException.class, () -> BenchJob.fromArgs(a, base));
    File f = BenchJob.writeArgumentError(a, base, e, DeviceInfo.fromSystem());
    assertEquals(new File(base, "result.json"), f);
    String json = new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
    SchemaAssert.assertValid(json);
    assertEquals("bad_input", BenchmarkResult.fromJson(json).error().code());
  }
}
