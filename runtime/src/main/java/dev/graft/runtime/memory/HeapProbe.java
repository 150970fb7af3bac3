package dev.graft.runtime.memory;


/** Java heap in use ({@code Runtime.totalMemory() - freeMemory()}); works on Android too. */
public final class HeapProbe implements MemoryProbe {
  @Override
  public String name() {
    return "java-heap";
  }

  @Override
  public long currentBytes() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
