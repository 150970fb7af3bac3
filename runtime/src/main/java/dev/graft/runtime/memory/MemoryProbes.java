package dev.graft.runtime.memory;

import java.util.ArrayList;
import java.util.List;

/** The probes that work in this process. */
public final class MemoryProbes {
  private MemoryProbes() {}

  /**
   * {@code rss} where {@code /proc} exists, plus {@code jvm-heap} on a desktop JVM or {@code
   * java-heap} elsewhere (Android).
   */
  public static List<MemoryProbe> defaults() {
    List<MemoryProbe> probes = new ArrayList<>();
    if (ProcStatusProbe.isAvailable()) {
      probes.add(new ProcStatusProbe());
    }
    probes.add(hasManagement() ? new JvmPoolProbe() : new HeapProbe());
    return probes;
  }

  private static boolean hasManagement() {
    try {
      Class.forName("java.lang.management.ManagementFactory", false,
          MemoryProbes.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
