package dev.graft.runtime.memory;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Resident set size of this process from {@code /proc/self/status} ({@code VmRSS}), with the
 * kernel's high-water mark {@code VmHWM} as platform peak. Linux and Android; on other systems
 * {@link #isAvailable()} is false.
 *
 * <p>{@link #resetPeak()} resets the high-water mark by writing {@code 5} to {@code
 * /proc/self/clear_refs} (Linux 4.0+). Where that is refused, the mark would include everything
 * the process did before the benchmark, so no platform peak is reported and the harness keeps to
 * its own samples.
 */
public final class ProcStatusProbe implements MemoryProbe {
  private static final File STATUS = new File("/proc/self/status");
  private static final File CLEAR_REFS = new File("/proc/self/clear_refs");

  private boolean peakReset;

  /** Whether {@code /proc/self/status} is readable here. */
  public static boolean isAvailable() {
    return STATUS.canRead();
  }

  @Override
  public String name() {
    return "rss";
  }

  @Override
  public long currentBytes() {
    return read("VmRSS:");
  }

  @Override
  public long platformPeakBytes() {
    return peakReset ? read("VmHWM:") : -1;
  }

  @Override
  public void resetPeak() {
    try (FileOutputStream out = new FileOutputStream(CLEAR_REFS)) {
      out.write('5');
      peakReset = true;
    } catch (IOException | SecurityException e) {
      peakReset = false;
    }
  }

  /** The value of {@code key} in kB, as bytes; -1 when missing or unreadable. */
  static long read(String key) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new FileInputStream(STATUS), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(key)) {
          String[] parts = line.substring(key.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024L;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
