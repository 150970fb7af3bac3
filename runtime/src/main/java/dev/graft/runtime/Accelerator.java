package dev.graft.runtime;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a backend runs the model. Not every backend offers every accelerator; asking for one it
 * lacks is a {@link BenchmarkException.Code#BACKEND_UNAVAILABLE} error, never a silent fallback.
 *
 * <table>
 *   <caption>What each accelerator means per backend</caption>
 *   <tr><th></th><th>tflite</th><th>ort</th></tr>
 *   <tr><td>CPU</td><td>built-in kernels; XNNPACK as {@link BenchmarkOptions#xnnpack()} says</td>
 *       <td>CPU execution provider</td></tr>
 *   <tr><td>XNNPACK</td><td>CPU with XNNPACK forced on</td><td>XNNPACK execution provider</td></tr>
 *   <tr><td>GPU</td><td>GpuDelegate (OpenCL or OpenGL ES)</td><td>not offered</td></tr>
 *   <tr><td>NNAPI</td><td>NnApiDelegate</td><td>NNAPI execution provider</td></tr>
 * </table>
 */
public enum Accelerator {
  CPU,
  XNNPACK,
  GPU,
  NNAPI;

  /** The lower-case name used in JSON and on command lines. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The accelerator named {@code name}, case-insensitive.
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static Accelerator parse(String name) {
    for (Accelerator a : values()) {
      if (a.name().equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "Unknown accelerator '" + name + "', expected one of "
            + Arrays.toString(values()).toLowerCase(Locale.ROOT));
  }
}
