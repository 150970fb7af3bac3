package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.DType;
import dev.graft.runtime.BenchmarkResult.ErrorInfo;
import dev.graft.runtime.BenchmarkResult.InputInfo;
import dev.graft.runtime.BenchmarkResult.ModelInfo;
import dev.graft.runtime.BenchmarkResult.Timings;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Results as a phone writes them, read back by the desktop, and checked against the schema. */
class BenchmarkResultJsonTest {
  private static final DeviceInfo PHONE = DeviceInfo.builder()
      .platform("android").os("Linux").osVersion("5.10.198").arch("aarch64").cpuCores(8)
      .vm("Dalvik").vmVersion("2.1.0").manufacturer("Google").model("Pixel 8").device("shiba")
      .sdkInt(34).fingerprint("google/shiba/shiba:14/AP2A/1:user/release-keys")
      .soc("Google Tensor G3").abis(Arrays.asList("arm64-v8a")).extra("gpu", "Mali-G715")
      .build();

  private static BenchmarkResult.Builder base() {
    return BenchmarkResult.builder()
        .created("2025-01-31T12:00:00Z")
        .model(new ModelInfo("/sdcard/Android/data/dev.graft.sample/files/model.tflite", 1234,
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
        .backend("tflite")
        .backendDetails(Collections.singletonMap("delegate", "gpu"))
        .options(BenchmarkOptions.builder().accelerator(Accelerator.GPU).xnnpack(false)
            .allowFp16(true).atol(1e-3).runs(3).build())
        .device(PHONE)
        .addInput(new InputInfo(0, "input", DType.FLOAT, new long[] {1, 240, 320, 3},
            "reference"))
        .addMemory(new MemoryUsage("android-native-heap", 100, 2000, 3000, "sampled"));
  }

  private static BenchmarkResult measured(OutputCheck check) {
    double[] runs = {2.0, 3.0, 4.0};
    return base().timings(new Timings(120.5, 30.25, runs)).stats(Stats.of(runs))
        .outputCheck(check).build();
  }

  @Test
  void aPassedPhoneResultValidatesAndRoundTrips() {
    OutputCheck check = new OutputCheck(OutputCheck.Status.PASSED, 1e-3, 1e-3, null,
        Collections.singletonList(new OutputCheck.Comparison(0, "scores", DType.FLOAT,
            new long[] {1, 4420, 2}, 8840, 2.5e-4, 0, true, null)));
    BenchmarkResult r = measured(check);
    String json = r.toJson();
    SchemaAssert.assertValid(json);

    BenchmarkResult back = BenchmarkResult.fromJson(json);
    assertEquals(json, back.toJson());
    assertEquals(BenchmarkResult.Status.PASSED, back.status());
    assertEquals(34, back.device().sdkInt());
    assertEquals("Mali-G715", back.device().extra().get("gpu"));
    assertEquals(Boolean.FALSE, back.options().xnnpack());
    assertEquals(Accelerator.GPU, back.options().accelerator());
    assertArrayEquals(new double[] {2.0, 3.0, 4.0}, back.timings().runsMs(), 0);
    assertEquals(3.0, back.stats().p50(), 0);
    assertEquals(2.5e-4, back.outputCheck().outputs().get(0).maxAbsErr(), 0);
    assertArrayEquals(new long[] {1, 240, 320, 3}, back.inputs().get(0).shape());
  }

  @Test
  void aFailedCheckWithNonFiniteErrorValidatesAndReadsBackAsNaN() {
    OutputCheck check = new OutputCheck(OutputCheck.Status.FAILED, 1e-3, 1e-3,
        "Outputs differ from the reference beyond atol/rtol",
        Collections.singletonList(new OutputCheck.Comparison(0, "scores", DType.FLOAT,
            new long[] {2}, 2, Double.NaN, 1, false, "non-finite values where the reference "
                + "differs")));
    BenchmarkResult r = measured(check);
    assertEquals(BenchmarkResult.Status.FAILED, r.status());
    String json = r.toJson();
    assertTrue(json.contains("\"max_abs_err\": null"), json);
    SchemaAssert.assertValid(json);
    assertTrue(Double.isNaN(BenchmarkResult.fromJson(json).outputCheck().outputs().get(0)
        .maxAbsErr()));
  }

  @Test
  void anErrorResultHasNoTimingsAndValidates() {
    BenchmarkResult r = base().error(ErrorInfo.of(new BenchmarkException(
        BenchmarkException.Code.BACKEND_UNAVAILABLE, "The TFLite GPU delegate does not support "
            + "this device's GPU"))).build();
    String json = r.toJson();
    SchemaAssert.assertValid(json);
    assertFalse(json.contains("timings"));
    assertEquals("backend_unavailable", BenchmarkResult.fromJson(json).error().code());
  }

  @Test
  void schemaRejectsResultsThatBreakItsRules() {
    String ok = measured(OutputCheck.skipped(1e-4, 1e-3, "No reference outputs given")).toJson();
    SchemaAssert.assertValid(ok);
    assertFalse(SchemaAssert.violations(ok.replace("\"status\": \"passed\"",
        "\"status\": \"error\"")).isEmpty(), "error without an error object");
    assertFalse(SchemaAssert.violations(ok.replace("\"count\": 3", "\"count\": 3, \"p95\": 1"))
        .isEmpty(), "unknown stats field");
    assertFalse(SchemaAssert.violations(ok.replace("\"graft.bench/1\"", "\"graft.bench/2\""))
        .isEmpty(), "other schema id");
  }

  @Test
  void readerNamesWhatIsWrong() {
    String ok = measured(OutputCheck.skipped(1e-4, 1e-3, "none")).toJson();
    assertEquals("Unsupported result schema 'graft.bench/2', this reader knows graft.bench/1",
        assertThrows(IllegalArgumentException.class,
            () -> BenchmarkResult.fromJson(ok.replace("graft.bench/1", "graft.bench/2")))
            .getMessage());
    assertEquals("Result field 'stats.p50_ms' is missing",
        assertThrows(IllegalArgumentException.class,
            () -> BenchmarkResult.fromJson(ok.replace("\"p50_ms\"", "\"p51_ms\"")))
            .getMessage());
    assertEquals("Result field 'inputs[0].dtype': Unknown dtype 'float64', expected one of "
            + "[float32, int8, uint8, int32, int64]",
        assertThrows(IllegalArgumentException.class,
            () -> BenchmarkResult.fromJson(ok.replace("\"dtype\": \"float32\"",
                "\"dtype\": \"float64\""))).getMessage());
  }

  @Test
  void readerIgnoresFieldsAddedByLaterVersionOneWriters() {
    String ok = measured(OutputCheck.skipped(1e-4, 1e-3, "none")).toJson();
    BenchmarkResult r = BenchmarkResult.fromJson(
        ok.replace("\"created\"", "\"thermal\": {\"status\": 2},\n  \"created\""));
    assertEquals("2025-01-31T12:00:00Z", r.created());
  }
}
