package dev.graft.runtime.ort;

import dev.graft.io.Temporaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files ONNX Runtime leaves in the temporary folder of every process that loads it, removed:
 * the folder its Java binding extracts the native libraries into (it asks for the folder to be
 * deleted at exit before the files in it are, which fails and leaves the folder empty), deleted as
 * soon as the libraries are loaded — on Linux and macOS a loaded library stays mapped — and the
 * empty {@code mat-debug-PID.log} its telemetry creates, deleted at exit when still empty.
 * Every place that makes an {@code OrtEnvironment} calls {@link #remove} after it.
 *
 * <pre>{@code
 * OrtEnvironment env = OrtEnvironment.getEnvironment();
 * OrtLeftovers.remove();
 * }</pre>
 */
public final class OrtLeftovers {
  private static boolean done;

  private OrtLeftovers() {}

  /** Removes the extraction folder and arranges the log's removal; once per process. */
  public static synchronized void remove() {
    if (done) {
      return;
    }
    done = true;
    if (!removeExtractionFolder()) {
      return; // Android (the libraries come with the app), Windows, or another ONNX Runtime
    }
    String tmp = System.getenv("TMPDIR");
    Path log = Path.of(tmp == null || tmp.isEmpty() ? "/tmp" : tmp)
        .resolve("mat-debug-" + ProcessHandle.current().pid() + ".log");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteIfEmpty(log), "graft-ort-log"));
  }

  /** Whether there was an extraction folder to delete. */
  private static boolean removeExtractionFolder() {
    try {
      Class<?> c = Class.forName("ai.onnxruntime.OnnxRuntime");
      java.lang.reflect.Field f = c.getDeclaredField("tempDirectory");
      f.setAccessible(true);
      Object dir = f.get(null);
      if (dir instanceof Path && !System.getProperty("os.name", "").startsWith("Win")) {
        Temporaries.deleteTree((Path) dir);
        return true;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another ONNX Runtime version: its folder is left as it leaves it
    }
    return false;
  }

  private static void deleteIfEmpty(Path p) {
    try {
      if (Files.isRegularFile(p) && Files.size(p) == 0) {
        Files.delete(p);
      }
    } catch (IOException ignored) {
      // a log ONNX Runtime still writes is its own
    }
  }
}
