package dev.graft.exec;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import dev.graft.io.Temporaries;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one ONNX Runtime environment of the process, made here so that it is made the same way
 * everywhere: ONNX Runtime's own log lines (graph warnings such as unused initializers, and its
 * errors, which Graft reports in its own one line) are shown only when {@link #verbose} was asked
 * for, and the files ONNX Runtime leaves behind are removed —
 * the folder its Java binding extracts the native library into (deleted as soon as the library is
 * loaded) and the empty {@code mat-debug-PID.log} its telemetry creates in the temporary folder
 * (deleted at exit when still empty).
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
      removeExtractionFolder();
      String tmp = System.getenv("TMPDIR");
      Path log = Path.of(tmp == null || tmp.isEmpty() ? "/tmp" : tmp)
          .resolve("mat-debug-" + ProcessHandle.current().pid() + ".log");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteIfEmpty(log), "graft-ort-log"));
    }
    return env;
  }

  /**
   * ONNX Runtime's Java binding extracts its native libraries into a fresh temporary folder and
   * asks for the folder to be deleted at exit before its files are, which fails and leaves the
   * folder. Once the libraries are loaded the files are not needed (on Linux and macOS a loaded
   * library stays mapped), so the folder goes now.
   */
  private static void removeExtractionFolder() {
    try {
      Class<?> c = Class.forName("ai.onnxruntime.OnnxRuntime");
      java.lang.reflect.Field f = c.getDeclaredField("tempDirectory");
      f.setAccessible(true);
      if (f.get(null) instanceof Path dir && !System.getProperty("os.name", "").startsWith("Win")) {
        Temporaries.deleteTree(dir);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another ONNX Runtime version: its folder is left as it leaves it
    }
  }

  private static void deleteIfEmpty(Path p) {
    try {
      if (Files.isRegularFile(p) && Files.size(p) == 0) {
        Files.delete(p);
      }
    } catch (java.io.IOException ignored) {
      // a log ONNX Runtime still writes is its own
    }
  }
}
