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

  private Calibrator() {}

  /** {min, max} per tensor index; null for tensors that are not float activations. */
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
    List<NdArray> rows = new ArrayList<>();
    for (NdArray a : inputs) {
      rows.add(a.rows() > MAX_ROWS ? a.rows(0, MAX_ROWS) : a);
    }
    Map<String, NdArray> outs = rt.runNamed(fm.toBytes("calibration", probe, names), rows);
    for (int k = 0; k < probe.size(); k++) {
      NdArray a = outs.get(names.get(k));
      if (a == null) {
        throw dev.graft.GraftException.failure("LiteRT returned no calibration output %s",
            names.get(k));
      }
      ranges[probe.get(k)] = minMax(a.asFloats());
    }
    return ranges;
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

  /** The samples of each input of the file, in its order and axis order. */
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
      out.add(x.toFile(a));
    }
    return out;
  }
}
