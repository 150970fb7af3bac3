package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.exec.ActivationStore;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration samples held in memory, one array per model input, with the seeded train/held-out
 * split every command uses, so that "held-out" means the same rows everywhere.
 */
public record Samples(Map<String, NdArray> inputs) {
  public Samples {
    inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** Reads a whole source (at most {@code limit} samples) into memory. */
  public static Samples load(CalibrationSource source, int limit) {
    int n = Math.min(source.size(), limit);
    List<Map<String, NdArray>> parts = new ArrayList<>();
    for (int s = 0; s < n; s += 256) {
      parts.add(source.batch(s, Math.min(256, n - s)));
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (String name : source.names()) {
      List<NdArray> col = new ArrayList<>();
      parts.forEach(p -> col.add(p.get(name)));
      out.put(name, NdArray.concatRows(col));
    }
    return new Samples(out);
  }

  public int size() {
    return inputs.values().iterator().next().rows();
  }

  /** The rows with the given indices, in that order. */
  public Samples rows(int[] indices) {
    Map<String, NdArray> out = new LinkedHashMap<>();
    inputs.forEach((k, v) -> out.put(k, v.gather(indices)));
    return new Samples(out);
  }

  /** The seeded split: a shuffle, the last {@code heldOut} share held out. */
  public Split split(double heldOut, long seed) {
    if (size() < 2) {
      throw GraftException.badInput("calibration set has %d sample; need at least 2 to hold some"
          + " out", size());
    }
    ActivationStore.Split s = ActivationStore.Split.of(size(), heldOut, seed);
    return new Split(rows(s.train()), rows(s.heldOut()), s.train(), s.heldOut());
  }

  /** Train and held-out samples, with the row indices they came from. */
  public record Split(Samples train, Samples heldOut, int[] trainRows, int[] heldOutRows) {}

  /** These samples as a calibration source. */
  public CalibrationSource source() {
    return ArraySource.of(inputs);
  }
}
