package dev.graft.runtime.memory;

/**
 * One way to read the memory a process uses. The harness samples every probe before loading,
 * after loading, and after each inference, and reports the baseline, the value after load and
 * the peak. Where the platform keeps its own high-water mark ({@link #platformPeakBytes()}), the
 * larger of that and the sampled peak is reported.
 *
 * <p>The probes in this package work on any JVM ({@code Runtime} heap) and on
 * Linux and Android ({@code /proc/self/status}); an Android app adds its own, e.g. one reading
 * {@code android.os.Debug.getNativeHeapAllocatedSize()}:
 *
 * <pre>{@code
 * MemoryProbe nativeHeap = new MemoryProbe() {
 *   public String name() { return "android-native-heap"; }
 *   public long currentBytes() { return Debug.getNativeHeapAllocatedSize(); }
 * };
 * }</pre>
 */
public interface MemoryProbe {

  /** Short id used in the result, e.g. {@code jvm-heap} or {@code rss}. */
  String name();

  /** Bytes in use now, or -1 when the probe cannot tell. Must be cheap. */
  long currentBytes();

  /** The platform's own peak since {@link #resetPeak()} or process start; -1 when none. */
  default long platformPeakBytes() {
    return -1;
  }

  /** Starts a new peak period where the platform allows it; called before loading. */
  default void resetPeak() {}
}
