package dev.graft.runtime;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Checks given inputs against a model's input specs, with messages naming the input. */
final class InputCheck {
  private InputCheck() {}

  /**
   * Returns {@code inputs} when there is one per spec and each has the spec's type and a shape
   * that fits it. Integer ids cross between int32 and int64 (PyTorch saves token ids as int64,
   * TFLite inputs are int32, ONNX ones int64): widened, or narrowed when every value fits.
   *
   * @throws BenchmarkException BAD_INPUT naming the first input that does not fit, or the first
   *     int64 value that does not fit an int32 input
   */
  static List<NdArray> fit(List<TensorSpec> specs, List<NdArray> inputs) throws BenchmarkException {
    if (inputs.size() != specs.size()) {
      throw new BenchmarkException(
          BenchmarkException.Code.BAD_INPUT,
          "Model takes " + specs.size() + " inputs " + names(specs) + " but " + inputs.size()
              + " were given");
    }
    List<NdArray> fitted = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      NdArray a = asIds(i, spec, inputs.get(i));
      fitted.add(a);
      if (!spec.accepts(a)) {
        throw new BenchmarkException(
            BenchmarkException.Code.BAD_INPUT,
            "Input " + i + " is " + a + " but model input '" + spec.name() + "' takes "
                + spec.dtype().jsonName() + Arrays.toString(spec.shape())
                + " (-1: any size)" + layoutHint(spec, a));
      }
    }
    return fitted;
  }

  /** {@code a} as {@code spec}'s integer type where one is int32 and the other int64. */
  private static NdArray asIds(int index, TensorSpec spec, NdArray a) throws BenchmarkException {
    if (a.type() == DType.INT32 && spec.dtype() == DType.INT64) {
      int[] v = a.ints();
      long[] out = new long[v.length];
      for (int k = 0; k < v.length; k++) {
        out[k] = v[k];
      }
      return NdArray.ofLongs(out, a.shape());
    }
    if (a.type() != DType.INT64 || spec.dtype() != DType.INT32) {
      return a;
    }
    long[] v = a.longs();
    int[] out = new int[v.length];
    for (int k = 0; k < v.length; k++) {
      if (v[k] != (int) v[k]) {
        throw new BenchmarkException(BenchmarkException.Code.BAD_INPUT, "Input " + index
            + " for model input '" + spec.name() + "' (int32) holds int64 value " + v[k]
            + " at element " + k + ", which does not fit int32");
      }
      out[k] = (int) v[k];
    }
    return NdArray.ofInts(out, a.shape());
  }

  /** NCHW for NHWC (or back): what Graft's default image layout makes of ONNX-ordered data. */
  static String layoutHint(TensorSpec spec, NdArray a) {
    long[] s = a.shape();
    if (s.length != 4 || a.type() != spec.dtype()) {
      return "";
    }
    if (fits(spec.shape(), new long[] {s[0], s[2], s[3], s[1]})) {
      return "; the model takes channels-last (NHWC) images and these are NCHW: transpose them"
          + " (graft convert --io-layout nchw writes a file that takes NCHW)";
    }
    if (fits(spec.shape(), new long[] {s[0], s[3], s[1], s[2]})) {
      return "; the model takes NCHW images and these are channels-last (NHWC): transpose them";
    }
    return "";
  }

  private static boolean fits(long[] spec, long[] shape) {
    for (int i = 0; i < spec.length; i++) {
      if (spec[i] >= 0 && spec[i] != shape[i]) {
        return false;
      }
    }
    return true;
  }

  static String names(List<TensorSpec> specs) {
    List<String> n = new ArrayList<>();
    for (TensorSpec s : specs) {
      n.add(s.name());
    }
    return n.toString();
  }
}
