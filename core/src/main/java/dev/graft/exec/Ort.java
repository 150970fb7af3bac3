package dev.graft.exec;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import dev.graft.runtime.ort.OrtLeftovers;

/**
 * The one ONNX Runtime environment of the process, made here so that it is made the same way
 * everywhere: ONNX Runtime's own log lines (graph warnings such as unused initializers, and its
 * errors, which Graft reports in its own one line) are shown only when {@link #verbose} was asked
 * for, and the files ONNX Runtime leaves behind are removed ({@link OrtLeftovers}).
 *
 * <pre>{@code
 * Ort.verbose(true);            // before the first session, e.g. from a --verbose flag
 * OrtEnvironment env = Ort.env();
 * }</pre>
 */
public final class Ort {
  private static volatile boolean verbose;
  private static OrtEnvironment env;

  private Ort() {}

  /** Whether ONNX Runtime logs its warnings; takes effect if set before the first {@link #env}. */
  public static void verbose(boolean on) {
    verbose = on;
  }

  /**
   * CPU time of this process so far in nanoseconds, all threads (ONNX Runtime's native ones
   * included); -1 where the JVM does not report it.
   */
  public static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
  }

  /** The environment, made on first use. */
  public static synchronized OrtEnvironment env() {
    if (env == null) {
      env = OrtEnvironment.getEnvironment(verbose ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING
          : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      OrtLeftovers.remove();
    }
    return env;
  }
}
