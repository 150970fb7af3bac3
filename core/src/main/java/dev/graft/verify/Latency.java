package dev.graft.verify;

import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import java.util.Arrays;
import java.util.Map;

/**
 * Desktop latency of a model in ONNX Runtime for one sample: the median of timed runs after a
 * warm-up. For phones, see the {@code runtime} module and {@code graft bench}.
 */
public final class Latency {
  private Latency() {}

  /** Median milliseconds per run on {@code sample} (one row per input). */
  public static double medianMs(Graph model, Map<String, NdArray> sample, Device device,
      int warmup, int runs) {
    try (OrtRunner r = OrtRunner.open(model, device)) {
      for (int i = 0; i < warmup; i++) {
        r.run(sample);
      }
      double[] t = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        r.run(sample);
        t[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(t);
      return runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    }
  }
}
