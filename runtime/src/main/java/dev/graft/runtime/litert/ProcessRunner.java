package dev.graft.runtime.litert;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a child process to completion, collecting stdout and stderr, with a time limit. */
final class ProcessRunner {
  private final long timeoutSeconds;

  ProcessRunner(long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  /** What a finished process left. */
  static final class Outcome {
    final int exitCode;
    final String stdout;
    final String stderr;

    Outcome(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    String lastStdoutLine() {
      return lastLine(stdout);
    }

    /** The last non-empty stderr line, or a note that there was none. */
    String stderrLine() {
      String l = lastLine(stderr);
      return l.isEmpty() ? "exit status " + exitCode + " with no message" : l;
    }

    private static String lastLine(String text) {
      String[] lines = text.split("\\r?\\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        if (!lines[i].trim().isEmpty()) {
          return lines[i].trim();
        }
      }
      return "";
    }
  }

  Outcome run(List<String> command) throws IOException {
    File out = File.createTempFile("graft-proc", ".out");
    File err = File.createTempFile("graft-proc", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
      p.getOutputStream().close();
      boolean done;
      try {
        done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("Interrupted while waiting for " + command.get(0));
      }
      if (!done) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within " + timeoutSeconds + " s");
      }
      return new Outcome(p.exitValue(), read(out), read(err));
    } finally {
      delete(out);
      delete(err);
    }
  }

  private static String read(File f) throws IOException {
    return new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
  }

  private static void delete(File f) {
    if (!f.delete()) {
      f.deleteOnExit();
    }
  }
}
