package dev.graft.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.GraftException;
import dev.graft.data.Calibration;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.region.RegionResolver;
import dev.graft.testing.Cuda;
import dev.graft.testing.Fixtures;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {
  @TempDir Path tmp;

  @Test
  void recordsOneRowPerSampleBitForBitAsADirectRun() {
    Graph g = OnnxReader.read(Fixtures.model("residual_cnn.onnx"));
    Region r = new RegionResolver(ModuleTree.of(g), Set.of()).resolve("stage1.0", "stage2.1");
    List<String> tensors = List.of(r.entry(), r.exit());
    try (CalibrationSource data =
            Calibration.open(List.of(Fixtures.digits("test_x_img.npy").toString()), g, null);
        ActivationStore store =
            Capture.run(g, tensors, data, new Capture.Options(50, Device.CPU, tmp, null))) {
      assertEquals(data.size(), store.rows());
      Graph direct = Capture.withOutputs(g, tensors);
      try (OrtRunner runner = OrtRunner.open(direct, Device.CPU)) {
        for (int s = 0; s < data.size(); s += 50) {
          int n = Math.min(50, data.size() - s);
          Map<String, NdArray> out =
              runner.run(data.batch(s, n), new LinkedHashSet<>(tensors));
          for (String t : tensors) {
            assertArrayEquals(out.get(t).floats(), store.readRange(t, s, n).floats(), 0f, t);
          }
        }
      }
      assertArrayEquals(new long[] {32, 4, 4}, store.rowShape(r.exit()));
    }
  }

  @Test
  void splitsAndShufflesDeterministically() {
    ActivationStore.Split a = ActivationStore.Split.of(100, 0.2, 7);
    ActivationStore.Split b = ActivationStore.Split.of(100, 0.2, 7);
    assertArrayEquals(a.train(), b.train());
    assertEquals(80, a.train().length);
    assertEquals(20, a.heldOut().length);
    List<int[]> batches = ActivationStore.miniBatches(a.train(), 32, 7, 0);
    assertEquals(3, batches.size());
    assertEquals(16, batches.get(2).length);
  }

  @Test
  void refusesNonFiniteActivations() {
    ActivationStore s = ActivationStore.create(tmp.resolve("nan"), Map.of("t", new long[] {2}));
    GraftException e = assertThrows(GraftException.class,
        () -> s.append(Map.of("t", NdArray.of(new float[] {1, Float.NaN}, 1, 2))));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    s.delete();
  }

  @Test
  void cudaWithoutTheGpuBuildIsAClearError() {
    assumeTrue(Cuda.unavailableReason() != null, "CUDA works here: nothing to refuse");
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    GraftException e = assertThrows(GraftException.class, () -> OrtRunner.open(g, Device.CUDA));
    assertTrue(e.getMessage().startsWith("--device cuda"), e.getMessage());
    assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
  }

  @Test
  @Tag("cuda")
  void recordsOnCudaWhatTheCpuRecords() {
    assumeTrue(Cuda.unavailableReason() == null, Cuda.unavailableReason());
    Graph g = OnnxReader.read(Fixtures.model("residual_cnn.onnx"));
    Region r = new RegionResolver(ModuleTree.of(g), Set.of()).resolve("stage1.0", "stage2.1");
    List<String> tensors = List.of(r.entry(), r.exit());
    try (CalibrationSource data =
            Calibration.open(List.of(Fixtures.digits("test_x_img.npy").toString()), g, null);
        ActivationStore cpu = Capture.run(g, tensors, data,
            new Capture.Options(50, Device.CPU, tmp.resolve("cpu"), null));
        ActivationStore gpu = Capture.run(g, tensors, data,
            new Capture.Options(50, Device.CUDA, tmp.resolve("cuda"), null))) {
      assertEquals(cpu.rows(), gpu.rows());
      for (String t : tensors) {
        float[] a = cpu.readRange(t, 0, (int) cpu.rows()).floats();
        float[] b = gpu.readRange(t, 0, (int) cpu.rows()).floats();
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(a[i] - b[i]));
          scale = Math.max(scale, Math.abs(a[i]));
        }
        // cuDNN's convolution algorithms sum in another order: equal to 1e-4 of the scale
        assertTrue(worst <= 1e-4 * scale, t + ": CUDA differs by " + worst + " of " + scale);
      }
    }
  }
}
