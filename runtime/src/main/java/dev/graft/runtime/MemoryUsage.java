package dev.graft.runtime;

/**
 * What one {@link dev.graft.runtime.memory.MemoryProbe} saw during a benchmark, in bytes; -1 where
 * unknown.
 */
public final class MemoryUsage {
  private final String probe;
  private final long baselineBytes;
  private final long afterLoadBytes;
  private final long peakBytes;
  private final String peakSource;

  /**
   * @param peakSource {@code sampled} (largest sample taken by the harness) or {@code platform}
   *     (the platform's own high-water mark was larger)
   */
  public MemoryUsage(
      String probe, long baselineBytes, long afterLoadBytes, long peakBytes, String peakSource) {
    this.probe = probe;
    this.baselineBytes = baselineBytes;
    this.afterLoadBytes = afterLoadBytes;
    this.peakBytes = peakBytes;
    this.peakSource = peakSource;
  }

  public String probe() {
    return probe;
  }

  /** Before the model was loaded. */
  public long baselineBytes() {
    return baselineBytes;
  }

  /** Right after the model was loaded. */
  public long afterLoadBytes() {
    return afterLoadBytes;
  }

  /** Largest value seen from load to the last timed run. */
  public long peakBytes() {
    return peakBytes;
  }

  /** {@code sampled} or {@code platform}. */
  public String peakSource() {
    return peakSource;
  }
}
