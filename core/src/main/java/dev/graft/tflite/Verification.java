package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.verify.Fidelity;
import dev.graft.verify.OutputRole;
import dev.graft.verify.OutputRoles;
import dev.graft.verify.RoleBounds;
import dev.graft.verify.RoleMetrics;
import dev.graft.verify.TieTolerance;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a converted model in LiteRT and the source graph in ONNX Runtime on the same samples and
 * compares their outputs: the largest absolute error, the output scale (largest absolute
 * reference value) and top-1 agreement of each output.
 *
 * <pre>{@code
 * Verification.Report r = Verification.run(graph, result, options, samples, LiteRt.locate());
 * r.require(Verification.Bound.forPrecision(options.precision()));
 * }</pre>
 */
public final class Verification {
  private Verification() {}

  /** The comparison of one output. */
  public record OutputCheck(String name, double maxAbsErr, double scale, double top1Agreement) {
    /** The error relative to the output's scale. */
    public double relativeError() {
      return scale == 0 ? maxAbsErr : maxAbsErr / scale;
    }
  }

  /**
   * The comparison of all outputs over {@code samples} rows, numerically and by each output's
   * role ({@link RoleMetrics}).
   */
  public record Report(List<OutputCheck> outputs, int samples, List<RoleMetrics.Result> roles) {
    public double maxAbsErr() {
      return outputs.stream().mapToDouble(OutputCheck::maxAbsErr).max().orElse(0);
    }

    public double worstRelativeError() {
      return outputs.stream().mapToDouble(OutputCheck::relativeError).max().orElse(0);
    }

    /** Top-1 agreement of the first output. */
    public double top1Agreement() {
      return outputs.get(0).top1Agreement();
    }

    /** Throws a failure (exit 1) naming the output (and metric) that misses the bound. */
    public Report require(Bound b) {
      java.util.Optional<String> f = failure(b);
      if (f.isPresent()) {
        throw GraftException.failure("%s", f.get());
      }
      return this;
    }

    /**
     * Why the report misses the bound (naming the output, and with {@code byRoles} the role and
     * metric), or empty when it keeps it.
     */
    public java.util.Optional<String> failure(Bound b) {
      if (b.byRoles()) {
        return RoleBounds.failure(roles);
      }
      for (OutputCheck o : outputs) {
        if (!(o.relativeError() <= b.maxRelativeError())) { // NaN fails too
          return java.util.Optional.of(String.format(
              "verification failed: output %s differs from ONNX Runtime by %.3g (%.3g of its"
                  + " scale %.3g), bound %.3g of scale", o.name(), o.maxAbsErr(),
              o.relativeError(), o.scale(), b.maxRelativeError()));
        }
      }
      if (b.minTop1() > 0 && top1Agreement() < b.minTop1()) {
        return java.util.Optional.of(String.format(
            "verification failed: top-1 agreement of output %s with ONNX Runtime is %.4f, bound"
                + " %.4f", outputs.get(0).name(), top1Agreement(), b.minTop1()));
      }
      return java.util.Optional.empty();
    }
  }

  /**
   * What counts as a faithful conversion: the largest error relative to each output's scale and
   * the top-1 agreement of the first output, or ({@code byRoles}) each output's role metric
   * against its bound ({@link RoleBounds}); {@code roles} are the outputs' declared roles, the
   * others inferred. With {@code byRoles}, {@code maxRelativeError} is only the bound of each
   * layer when drift is located ({@link DriftLocator}).
   */
  public record Bound(double maxRelativeError, double minTop1, boolean byRoles,
      List<OutputRole> roles) {
    public Bound(double maxRelativeError, double minTop1) {
      this(maxRelativeError, minTop1, false, List.of());
    }

    /**
     * fp32 1e-4 of scale; fp16 2e-2; int8 precisions by the outputs' inferred roles (drift
     * located past 0.5 of scale, the int8 bound before roles).
     */
    public static Bound forPrecision(Precision p) {
      return forPrecision(p, List.of());
    }

    /** As {@link #forPrecision(Precision)}, int8 precisions judged by these declared roles. */
    public static Bound forPrecision(Precision p, List<OutputRole> declared) {
      switch (p) {
        case FP32:
          return new Bound(1e-4, 0, false, declared);
        case FP16:
          return new Bound(2e-2, 0, false, declared);
        default:
          return new Bound(0.5, Double.NaN, true, declared);
      }
    }
  }

  /** Runs both runtimes on {@code samples} (by graph input name, batch axis first). */
  public static Report run(Graph graph, ConvertResult converted, ConvertOptions options,
      Map<String, NdArray> samples, LiteRt liteRt) {
    return run(graph, converted, options, samples, liteRt, List.of());
  }

  /** As above, measuring the outputs by these declared roles (the others inferred). */
  public static Report run(Graph graph, ConvertResult converted, ConvertOptions options,
      Map<String, NdArray> samples, LiteRt liteRt, List<OutputRole> declared) {
    List<NdArray> inputs = new ArrayList<>();
    int rows = -1;
    for (ValueInfo v : graph.inputs()) {
      NdArray a = samples.get(v.name());
      if (a == null) {
        throw GraftException.badInput("verification data has no array for input %s (has %s)",
            v.name(), samples.keySet());
      }
      rows = rows < 0 ? a.rows() : Math.min(rows, a.rows());
      inputs.add(converted.io(v.name(), true).toFile(a));
    }
    Map<String, NdArray> lite = Int8Io.run(liteRt, converted.bytes(), inputs);
    Map<String, NdArray> ref = reference(graph, samples, rows, options.batch());
    List<OutputCheck> checks = new ArrayList<>();
    Map<String, NdArray> liteOut = new LinkedHashMap<>();
    for (int i = 0; i < graph.outputs().size(); i++) {
      String name = graph.outputs().get(i).name();
      NdArray r = ref.get(name);
      NdArray t = lite.get(name);
      if (t == null) {
        throw GraftException.failure("verification failed: LiteRT gave no output %s (gave %s)",
            name, lite.keySet());
      }
      t = converted.io(name, false).toOnnx(t);
      liteOut.put(name, t);
      float[] tv = t.asFloats();
      float[] rv = r.asFloats();
      if (tv.length != rv.length) {
        throw GraftException.failure(
            "verification failed: output %s has %d values in LiteRT, %d in ONNX Runtime", name,
            tv.length, rv.length);
      }
      int rowSize = rv.length / Math.max(rows, 1);
      int classes = (int) r.shape()[r.rank() - 1];
      Fidelity f = Fidelity.compare(tv, rv, r.rank() >= 2 ? classes : rowSize);
      double scale = 0;
      for (float x : rv) {
        scale = Math.max(scale, Math.abs(x));
      }
      checks.add(new OutputCheck(name, f.maxAbsErr(), scale, f.top1Agreement()));
    }
    List<RoleMetrics.Result> roles = RoleMetrics.measure(OutputRoles.of(graph, declared),
        liteOut, ref, null, tieTolerances(converted, options.precision(), liteOut.keySet()));
    return new Report(checks, rows, roles);
  }

  /**
   * The resolution of each output in the written file, within which a classes row's two top
   * values count as tied ({@link TieTolerance}): a full-int8 output's quantization step; else the
   * unit roundoff of the format the precision stores (float32 2^-24, float16 2^-11, dynamic int8's
   * weights 2^-8) relative to the row's magnitude.
   */
  static Map<String, TieTolerance> tieTolerances(ConvertResult converted, Precision p,
      java.util.Collection<String> outputs) {
    Map<String, Double> steps = p == Precision.INT8
        ? TfliteModel.read(converted.bytes()).outputSteps() : Map.of();
    double relative = switch (p) {
      case FP32 -> 0x1p-24;
      case FP16 -> 0x1p-11;
      case INT8_DYNAMIC, INT8 -> 0x1p-8;
    };
    Map<String, TieTolerance> out = new LinkedHashMap<>();
    for (String name : outputs) {
      Double step = steps.get(name);
      out.put(name, step != null ? TieTolerance.step(step) : TieTolerance.relative(relative));
    }
    return out;
  }

  private static Map<String, NdArray> reference(Graph g, Map<String, NdArray> samples, int rows,
      int batch) {
    int step = 64; // a model with a fixed batch runs chunk by chunk inside OrtRunner
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    try (OrtRunner ort = OrtRunner.open(g, Device.CPU)) {
      for (int start = 0; start < rows; start += step) {
        int count = Math.min(step, rows - start);
        Map<String, NdArray> feed = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
          feed.put(v.name(), samples.get(v.name()).rows(start, count));
        }
        for (Map.Entry<String, NdArray> e : ort.run(feed).entrySet()) {
          parts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
      }
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((k, v) -> out.put(k, NdArray.concatRows(v)));
    return out;
  }

  /** A float array with its axes permuted: output axis j is input axis perm[j]. */
  static NdArray transpose(NdArray a, int[] perm) {
    float[] v = a.asFloats();
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    byte[] p = Layout.permute(b.array(), a.shape(), perm, 4);
    float[] out = new float[v.length];
    ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    long[] s = a.shape();
    long[] ns = new long[s.length];
    for (int j = 0; j < s.length; j++) {
      ns[j] = s[perm[j]];
    }
    return NdArray.of(out, ns);
  }
}
