package dev.graft.tflite;

import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.TensorType;

/**
 * Measures the range of every float activation of a float TFLite model by running it in LiteRT
 * on calibration samples with all those tensors made outputs. The ranges are exactly those of
 * the tensors the int8 model will hold, whatever the lowering added (layouts, decompositions).
 */
final class Calibrator {
  /** Samples used for ranges; more only slows calibration down. */
  static final int MAX_ROWS = 128;
  /**
   * Fewer where every activation of that many samples passes 512 MB (LiteRT writes them all to
   * files at once, and a CNN at 224×224 holds megabytes of them a sample), but never under this.
   */
  static final int MIN_ROWS = 16;

  private static final long PROBE_BYTES = 512L << 20;

  private Calibrator() {}

  /**
   * {min, max} per tensor index; null for tensors that are not float activations. The inputs are
   * those {@link #ordered} gives.
   */
  static float[][] ranges(FlatModel fm, List<NdArray> inputs, LiteRt rt) {
    List<Integer> probe = new ArrayList<>();
    List<String> names = new ArrayList<>();
    float[][] ranges = new float[fm.tensorCount()][];
    for (int i = 0; i < fm.inputs().size(); i++) {
      if (fm.get(fm.inputs().get(i)).type == TensorType.FLOAT32) { // token ids stay integers
        ranges[fm.inputs().get(i)] = minMax(inputs.get(i).asFloats());
      }
    }
    for (int t = 0; t < fm.tensorCount(); t++) {
      if (!fm.isConstant(t) && fm.get(t).type == TensorType.FLOAT32
          && !fm.inputs().contains(t) && produced(fm, t)) {
        probe.add(t);
        names.add("t" + t);
      }
    }
    long perRow = 0;
    for (int t : probe) {
      long n = 1;
      for (int d : fm.get(t).shape) {
        n *= d;
      }
      perRow += n;
    }
    int rows = rows(perRow);
    List<NdArray> cut = new ArrayList<>();
    for (NdArray a : inputs) {
      cut.add(a.rows() > rows ? a.rows(0, rows) : a);
    }
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int k = 0; k < probe.size(); k++) {
      index.put(names.get(k), probe.get(k));
    }
    rt.forEachOutput(fm.toBytes("calibration", probe, names), cut, (name, a) -> {
      Integer t = index.get(name);
      if (t != null) {
        ranges[t] = minMax(a.asFloats());
      }
    });
    for (int k = 0; k < probe.size(); k++) {
      if (ranges[probe.get(k)] == null) {
        throw dev.graft.GraftException.failure("LiteRT returned no calibration output %s",
            names.get(k));
      }
    }
    return ranges;
  }

  /** Samples to probe when one holds {@code values} float activations in all. */
  static int rows(long values) {
    return (int) Math.max(MIN_ROWS, Math.min(MAX_ROWS, PROBE_BYTES / Math.max(1, values * 4)));
  }

  private static boolean produced(FlatModel fm, int t) {
    for (var op : fm.operators()) {
      for (int o : op.getOutputs()) {
        if (o == t) {
          return true;
        }
      }
    }
    return false;
  }

  static float[] minMax(float[] v) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return new float[] {lo, hi};
  }

  /**
   * The first {@link #MAX_ROWS} samples of each input of the file, in its order and axis order
   * (cut before the copy into the file's order: 512 images of 224×224 in NHWC overflowed a
   * 1 GiB heap).
   */
  static List<NdArray> ordered(Map<String, NdArray> samples, List<ConvertResult.Io> io) {
    List<NdArray> out = new ArrayList<>();
    for (ConvertResult.Io x : io) {
      if (!x.input()) {
        continue;
      }
      String n = x.name();
      NdArray a = samples.get(n);
      if (a == null) {
        throw dev.graft.GraftException.badInput(
            "calibration data has no array for input %s (has %s)", n, samples.keySet());
      }
      out.add(x.toFile(a.rows() > MAX_ROWS ? a.rows(0, MAX_ROWS) : a));
    }
    return out;
  }
}
