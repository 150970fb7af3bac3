package dev.graft.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.graft.GraftException;
import dev.graft.io.NdArray;
import dev.graft.graph.Graph;
import dev.graft.lowrank.LowRank;
import dev.graft.lowrank.LowRankOptions;
import dev.graft.simplify.Simplifier;
import dev.graft.simplify.SimplifyOptions;
import dev.graft.simplify.TestGraphs;
import dev.graft.thin.ThinOptions;
import dev.graft.thin.Thinner;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Thinning, low-rank and simplify record their calibration data on the device asked for: on an
 * ONNX Runtime without the CUDA provider, {@code --device cuda} is the clear error, never a silent
 * run on the CPU.
 */
class DeviceRecordingTest {
  private final Random r = new Random(21);
  private final Graph g = TestGraphs.mlp(new int[] {8, 16, 4},
      TestGraphs.list(TestGraphs.randn(r, 128, 0.5), TestGraphs.randn(r, 64, 0.5)),
      TestGraphs.list(TestGraphs.randn(r, 16, 0.1), TestGraphs.randn(r, 4, 0.1)));
  private final Map<String, NdArray> x = Map.of("x", NdArray.of(TestGraphs.randn(r, 64 * 8, 1),
      64, 8));

  @BeforeEach
  void cpuBuildOnly() {
    assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
        "this ONNX Runtime has the CUDA provider: --device cuda would run");
  }

  @Test
  void thinRecordsOnTheDeviceAsked() {
    assertCudaRefused(() -> Thinner.thin(g, ThinOptions.of("fc0", 0.5).calibration(x)
        .device(Device.CUDA)));
    assertEquals(8, Thinner.thin(g, ThinOptions.of("fc0", 0.5).calibration(x)
        .device(Device.CPU)).groups().get(0).channelsAfter());
  }

  @Test
  void lowRankRecordsOnTheDeviceAsked() {
    assertCudaRefused(() -> LowRank.factorize(g, LowRankOptions.rank("fc0", 4).calibration(x)
        .device(Device.CUDA)));
  }

  @Test
  void simplifyRecordsOnTheDeviceAsked() {
    assertCudaRefused(() -> Simplifier.simplify(g, SimplifyOptions.calibration(x)
        .device(Device.CUDA)));
  }

  private static void assertCudaRefused(Executable work) {
    GraftException e = assertThrows(GraftException.class, work);
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().startsWith("--device cuda"), e.getMessage());
  }
}
