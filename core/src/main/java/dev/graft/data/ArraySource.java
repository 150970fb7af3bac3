package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples already in memory, one array per model input with the samples on the first axis: for
 * tests and for API callers that hold their data as arrays. Closing it does nothing.
 *
 * <pre>{@code
 * CalibrationSource s = ArraySource.of(Map.of("input", x));
 * }</pre>
 */
public final class ArraySource implements CalibrationSource {
  private final Map<String, NdArray> arrays;
  private final int size;

  private ArraySource(Map<String, NdArray> arrays, int size) {
    this.arrays = arrays;
    this.size = size;
  }

  /** The arrays as a source; they must agree on the number of samples. */
  public static ArraySource of(Map<String, NdArray> arrays) {
    if (arrays.isEmpty()) {
      throw GraftException.badInput("calibration data names no input");
    }
    int rows = -1;
    for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
      int r = e.getValue().rows();
      if (rows >= 0 && r != rows) {
        throw GraftException.badInput(
            "calibration arrays disagree on the number of samples: %s has %d, expected %d",
            e.getKey(), r, rows);
      }
      rows = r;
    }
    return new ArraySource(new LinkedHashMap<>(arrays), rows);
  }

  @Override
  public List<String> names() {
    return new ArrayList<>(arrays.keySet());
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Map<String, NdArray> batch(int start, int count) {
    Map<String, NdArray> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.rows(start, count)));
    return out;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    arrays.forEach((k, v) -> parts.add(k + " " + java.util.Arrays.toString(v.shape())));
    return "arrays " + String.join(", ", parts);
  }

  @Override
  public void close() {}
}
