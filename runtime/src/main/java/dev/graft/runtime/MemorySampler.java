package dev.graft.runtime;

import dev.graft.runtime.memory.MemoryProbe;
import java.util.ArrayList;
import java.util.List;

/** Samples every probe at the harness's checkpoints and keeps baseline, after-load and peak. */
final class MemorySampler {
  private final List<MemoryProbe> probes;
  private final long[] baseline;
  private final long[] afterLoad;
  private final long[] peak;

  MemorySampler(List<MemoryProbe> probes) {
    this.probes = probes;
    int n = probes.size();
    baseline = new long[n];
    afterLoad = new long[n];
    peak = new long[n];
    for (int i = 0; i < n; i++) {
      probes.get(i).resetPeak();
      baseline[i] = probes.get(i).currentBytes();
      afterLoad[i] = -1;
      peak[i] = baseline[i];
    }
  }

  void afterLoad() {
    for (int i = 0; i < probes.size(); i++) {
      afterLoad[i] = probes.get(i).currentBytes();
      peak[i] = Math.max(peak[i], afterLoad[i]);
    }
  }

  void sample() {
    for (int i = 0; i < probes.size(); i++) {
      peak[i] = Math.max(peak[i], probes.get(i).currentBytes());
    }
  }

  List<MemoryUsage> usages() {
    List<MemoryUsage> out = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) {
      MemoryProbe p = probes.get(i);
      long platform = p.platformPeakBytes();
      boolean usePlatform = platform > peak[i];
      out.add(
          new MemoryUsage(
              p.name(), baseline[i], afterLoad[i], usePlatform ? platform : peak[i],
              usePlatform ? "platform" : "sampled"));
    }
    return out;
  }
}
