package dev.graft.runtime.litert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.NdArray;
import dev.graft.runtime.Accelerator;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.BenchmarkResult;
import dev.graft.runtime.DeviceInfo;
import dev.graft.runtime.OutputCheck;
import dev.graft.runtime.ReferenceData;
import dev.graft.runtime.SchemaAssert;
import dev.graft.runtime.TestModels;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's process contract, against a stand-in script that follows it (an identity model),
 * so exit statuses, JSON parsing and the output check are tested while the real runner is
 * absent. Node.js is a build requirement: without it these tests fail, saying so.
 */
class LiteRtNodeRunnerTest {
  private static final BenchmarkOptions OPTS = BenchmarkOptions.builder().warmup(1).runs(4).build();

  @TempDir File tmp;
  private LiteRtNodeRunner runner;
  private File model;

  @BeforeEach
  void setUp() throws IOException {
    File cli = TestModels.resource("fake-litert-runner/cli.mjs");
    File dir = new File(tmp, "runner");
    new File(dir, "node_modules/@litertjs").mkdirs();
    Files.copy(cli.toPath(), new File(dir, "cli.mjs").toPath());
    runner = new LiteRtNodeRunner(LiteRtNode.at(dir, "node"), 60);
    String why = runner.unavailableReason();
    assertNull(why, "Node.js (20, which the build needs for tools/litert-runner) unavailable: "
        + why);
    model = new File(tmp, "identity.tflite");
    Files.write(model.toPath(), new byte[] {1, 2, 3});
  }

  private static ReferenceData identity(float delta) {
    NdArray x = NdArray.of(new float[] {0.5f, -1f, 2f}, new long[] {1, 3});
    NdArray y = x.withElement(1, -1f + delta);
    return ReferenceData.of(Collections.singletonList(x), Collections.singletonList(y));
  }

  @Test
  void benchTakesTheRunnersTimingsAndChecksItsOutputs() throws BenchmarkException {
    BenchmarkResult r = runner.bench(model, identity(0f), OPTS, DeviceInfo.fromSystem());
    assertEquals("litert-wasm", r.backend());
    assertEquals(12.5, r.timings().loadMs(), 0);
    assertEquals(3.25, r.timings().firstInferenceMs(), 0);
    assertArrayEquals(new double[] {1.0, 1.1, 1.2, 1.3}, r.timings().runsMs(), 1e-12);
    assertEquals(1.15, r.stats().p50(), 1e-12);
    assertEquals(OutputCheck.Status.PASSED, r.outputCheck().status());
    assertEquals("Identity_0", r.outputCheck().outputs().get(0).name());
    assertTrue(r.backendDetails().get("node").startsWith("v"));
    SchemaAssert.assertValid(r.toJson());
  }

  @Test
  void wrongNumbersFromTheRunnerFailTheResult() throws BenchmarkException {
    BenchmarkResult r = runner.bench(model, identity(0.25f), OPTS, DeviceInfo.fromSystem());
    assertEquals(BenchmarkResult.Status.FAILED, r.status());
    assertEquals(0.25, r.outputCheck().outputs().get(0).maxAbsErr(), 1e-7);
    SchemaAssert.assertValid(r.toJson());
  }

  @Test
  void runnerExitStatusesBecomeCodesWithItsMessage() throws IOException {
    File broken = new File(tmp, "broken.tflite");
    Files.write(broken.toPath(), new byte[] {0});
    BenchmarkException failed = assertThrows(BenchmarkException.class,
        () -> runner.bench(broken, null, OPTS, DeviceInfo.fromSystem()));
    assertEquals(BenchmarkException.Code.RUN_FAILED, failed.code());
    assertEquals("LiteRT runner: interpreter failed: broken model", failed.getMessage());

    BenchmarkException missing = assertThrows(BenchmarkException.class,
        () -> runner.bench(new File(tmp, "none.tflite"), null, OPTS, DeviceInfo.fromSystem()));
    assertEquals(BenchmarkException.Code.MODEL_NOT_FOUND, missing.code());

    BenchmarkException gpu = assertThrows(BenchmarkException.class,
        () -> runner.bench(model, null, OPTS.toBuilder().accelerator(Accelerator.GPU).build(),
            DeviceInfo.fromSystem()));
    assertEquals("Accelerator gpu is not offered by the LiteRT wasm runner, expected one of "
        + "[cpu, xnnpack]", gpu.getMessage());
  }

  @Test
  void aRefusedReferenceInputIsNamedAsTheUsersFileNotTheScratchCopy() throws IOException {
    File int32 = new File(tmp, "int32.tflite");
    Files.write(int32.toPath(), new byte[] {1});
    BenchmarkException e = assertThrows(BenchmarkException.class,
        () -> runner.bench(int32, identity(0f), OPTS, DeviceInfo.fromSystem()));
    assertEquals(BenchmarkException.Code.BAD_INPUT, e.code());
    assertEquals("LiteRT runner: input 0 'input_ids' takes int32 and int64 value 2147483648 at "
        + "element 5 of reference input_0.npy does not fit", e.getMessage());
  }

  @Test
  void runReturnsTheOutputsTheRunnerWrote() throws BenchmarkException {
    List<NdArray> out = runner.run(model, identity(0f).inputs());
    assertArrayEquals(new float[] {0.5f, -1f, 2f}, out.get(0).asFloats());
  }

  @Test
  void aMissingRunnerOrItsDependenciesIsReportedNotThrown() {
    LiteRtNodeRunner absent = new LiteRtNodeRunner(LiteRtNode.at(new File(tmp, "nowhere"), "node"));
    assertEquals("LiteRT runner not installed: no tools/litert-runner/cli.mjs found at "
        + new File(tmp, "nowhere").getPath() + " or above the working folder; set"
        + " -Dgraft.litert.runner or GRAFT_LITERT_RUNNER to the runner folder",
        absent.unavailableReason());
    BenchmarkException e = assertThrows(BenchmarkException.class,
        () -> absent.bench(model, null, OPTS, DeviceInfo.fromSystem()));
    assertEquals(BenchmarkException.Code.BACKEND_UNAVAILABLE, e.code());
    assertNull(runner.unavailableReason());
    assertFalse(new File(tmp, "nowhere").exists());
  }
}
