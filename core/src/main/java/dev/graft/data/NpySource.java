package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import dev.graft.io.NpyFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Samples from one {@code .npy} file per model input, streamed by rows. */
final class NpySource implements CalibrationSource {
  private final Map<String, NpyFile> files;
  private final int size;

  NpySource(Map<String, NpyFile> files) {
    this.files = new LinkedHashMap<>(files);
    long rows = -1;
    for (Map.Entry<String, NpyFile> e : files.entrySet()) {
      long r = e.getValue().rows();
      if (rows >= 0 && r != rows) {
        close();
        throw GraftException.badInput(
            "calibration files disagree on the number of samples: %s has %d, expected %d",
            e.getValue().path(), r, rows);
      }
      rows = r;
    }
    this.size = Math.toIntExact(Math.max(rows, 0));
  }

  @Override
  public List<String> names() {
    return new ArrayList<>(files.keySet());
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Map<String, NdArray> batch(int start, int count) {
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NpyFile> e : files.entrySet()) {
      out.put(e.getKey(), e.getValue().rows(start, count));
    }
    return out;
  }

  NpyFile file(String name) {
    return files.get(name);
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    files.forEach((k, v) -> parts.add(k + "=" + v.path()));
    return String.join(", ", parts);
  }

  @Override
  public void close() {
    files.values().forEach(NpyFile::close);
  }
}
