package dev.graft.runtime.tflite;

import dev.graft.runtime.Accelerator;
import dev.graft.runtime.BenchmarkOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TensorFlow Lite interpreter settings derived from {@link BenchmarkOptions}; plain values.
 *
 * <ul>
 *   <li>CPU: built-in kernels; XNNPACK on or off as {@link BenchmarkOptions#xnnpack()} says
 *       (null keeps TFLite's default, which is on).
 *   <li>XNNPACK: CPU with XNNPACK forced on.
 *   <li>GPU: {@code GpuDelegate}, float16 only if {@link BenchmarkOptions#allowFp16()}.
 *   <li>NNAPI: {@code NnApiDelegate}, float16 only if {@link BenchmarkOptions#allowFp16()}.
 * </ul>
 *
 * Threads apply to whatever runs on the CPU (all of it, or the ops a delegate leaves).
 */
public final class TflitePlan {
  /** Delegate to add to the interpreter. */
  public enum Delegate {
    NONE,
    GPU,
    NNAPI
  }

  private final int numThreads;
  private final Boolean useXnnpack;
  private final Delegate delegate;
  private final boolean allowFp16;

  TflitePlan(int numThreads, Boolean useXnnpack, Delegate delegate, boolean allowFp16) {
    this.numThreads = numThreads;
    this.useXnnpack = useXnnpack;
    this.delegate = delegate;
    this.allowFp16 = allowFp16;
  }

  /** The plan for {@code options}; every accelerator maps to a plan. */
  public static TflitePlan from(BenchmarkOptions options) {
    Accelerator a = options.accelerator();
    Boolean xnnpack = a == Accelerator.XNNPACK ? Boolean.TRUE : options.xnnpack();
    Delegate delegate =
        a == Accelerator.GPU ? Delegate.GPU : a == Accelerator.NNAPI ? Delegate.NNAPI
            : Delegate.NONE;
    return new TflitePlan(options.threads(), xnnpack, delegate, options.allowFp16());
  }

  /** CPU threads; -1 leaves TFLite's default. */
  public int numThreads() {
    return numThreads;
  }

  /** Force XNNPACK on or off; null keeps TFLite's default. */
  public Boolean useXnnpack() {
    return useXnnpack;
  }

  public Delegate delegate() {
    return delegate;
  }

  /** GPU precision loss or NNAPI float16 allowed. */
  public boolean allowFp16() {
    return allowFp16;
  }

  /** The plan as result details ({@code delegate}, {@code threads}, {@code xnnpack}, …). */
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("delegate", delegate.name().toLowerCase(java.util.Locale.ROOT));
    d.put("threads", Integer.toString(numThreads));
    d.put("xnnpack", useXnnpack == null ? "default" : useXnnpack.toString());
    if (delegate != Delegate.NONE) {
      d.put("allow_fp16", Boolean.toString(allowFp16));
    }
    return d;
  }
}
