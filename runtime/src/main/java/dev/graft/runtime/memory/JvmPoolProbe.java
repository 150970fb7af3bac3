package dev.graft.runtime.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Java heap in use summed over the heap memory pools, with the pools' own peak usage (reset
 * before loading) as platform peak. Desktop JVMs only: Android has no {@code
 * java.lang.management}.
 */
public final class JvmPoolProbe implements MemoryProbe {
  @Override
  public String name() {
    return "jvm-heap";
  }

  @Override
  public long currentBytes() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Override
  public long platformPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  @Override
  public void resetPeak() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        pool.resetPeakUsage();
      }
    }
  }
}
