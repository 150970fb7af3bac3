package dev.graft.runtime.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MemoryProbesTest {
  @Test
  void desktopDefaultsAreRssWhereProcExistsAndTheJvmHeap() {
    List<String> names = new ArrayList<>();
    for (MemoryProbe p : MemoryProbes.defaults()) {
      names.add(p.name());
      assertTrue(p.currentBytes() > 0, p.name());
    }
    assertTrue(names.contains("jvm-heap"), names.toString());
    assertEquals(ProcStatusProbe.isAvailable(), names.contains("rss"));
  }

  @Test
  void rssPeakAfterResetIsAtLeastCurrentAndSeesAnAllocation() {
    Assumptions.assumeTrue(ProcStatusProbe.isAvailable(), "no /proc/self/status on this OS");
    ProcStatusProbe p = new ProcStatusProbe();
    p.resetPeak();
    long peak = p.platformPeakBytes();
    Assumptions.assumeTrue(peak > 0, "this kernel refuses to reset the RSS high-water mark");
    byte[] touched = new byte[64 << 20];
    for (int i = 0; i < touched.length; i += 4096) {
      touched[i] = 1;
    }
    assertTrue(p.platformPeakBytes() >= p.currentBytes() - (1 << 20));
    assertTrue(p.platformPeakBytes() >= peak + (32 << 20), "peak grew with a 64 MiB allocation");
    assertEquals(1, touched[4096]);
  }

  @Test
  void heapProbeWorksWithoutJavaLangManagement() {
    assertTrue(new HeapProbe().currentBytes() > 0);
    assertEquals(-1, new HeapProbe().platformPeakBytes());
  }
}
