package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Dims;
import dev.graft.graph.Graph;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The {@code graft convert} command as a Java call: read an ONNX model, convert it, optionally
 * verify it in LiteRT against ONNX Runtime, and only then write the .tflite file atomically. A
 * failed verification (exit 1) or a bad input (exit 2) leaves no file behind.
 *
 * <pre>{@code
 * TfliteExport.Outcome o = TfliteExport.run(new TfliteExport.Request(
 *     Path.of("model.onnx"), Path.of("model.tflite"),
 *     ConvertOptions.defaults().withPrecision(Precision.FP16), true, null));
 * System.out.println(o.result().opCounts() + " " + o.verification().orElseThrow());
 * }</pre>
 */
public final class TfliteExport {
  /** Rows of the calibration set used for verification. */
  public static final int VERIFY_ROWS = 32;

  private TfliteExport() {}

  /**
   * What to convert.
   *
   * @param model the ONNX file
   * @param output where the .tflite goes
   * @param options conversion options (precision, calibration samples, layout, batch, recipe)
   * @param verify run LiteRT and ONNX Runtime and fail (exit 1) past {@code bound}
   * @param bound the verification bound; null for {@link Verification.Bound#forPrecision}
   * @param explain with {@code verify}: locate the layers where the model leaves the bound
   *     even when the outputs keep it (they are always located when verification fails)
   */
  public record Request(Path model, Path output, ConvertOptions options, boolean verify,
      Verification.Bound bound, boolean explain) {
    public Request(Path model, Path output, ConvertOptions options, boolean verify,
        Verification.Bound bound) {
      this(model, output, options, verify, bound, false);
    }
  }

  /**
   * What happened: the conversion, the verification if asked, the first layers past the bound
   * (located when verification failed or was to be explained), the file written (null when
   * verification failed) and why verification failed (null when it passed).
   */
  public record Outcome(ConvertResult result, Optional<Verification.Report> verification,
      List<DriftLocator.Drift> drift, Path written, String failure) {}

  /** Layers reported where the model leaves the bound. */
  public static final int DRIFT_LAYERS = 3;

  /** Converts, verifies and writes; a failed verification throws (exit 1), writing nothing. */
  public static Outcome run(Request req) {
    Outcome o = attempt(req);
    if (o.failure() != null) {
      throw GraftException.failure("%s%s", o.failure(), driftText(o.drift()));
    }
    return o;
  }

  /**
   * Converts, verifies and writes, but returns a failed verification instead of throwing: the
   * outcome then has a failure, the layers where the model drifts, and no file written.
   */
  public static Outcome attempt(Request req) {
    Graph g = Dims.bind(OnnxReader.read(req.model()), req.options().dims());
    ConvertResult r = TfliteConverter.convert(g, req.options());
    if (!req.verify()) {
      r.write(req.output());
      return new Outcome(r, Optional.empty(), List.of(), req.output(), null);
    }
    LiteRt rt = LiteRt.locate();
    Map<String, NdArray> samples = req.options().calibration().isEmpty()
        ? randomSamples(g, 8, 0) : head(req.options().calibration(), VERIFY_ROWS);
    Verification.Bound b = req.bound() != null ? req.bound()
        : Verification.Bound.forPrecision(req.options().precision());
    Verification.Report report = Verification.run(g, r, req.options(), samples, rt, b.roles());
    String failure = report.failure(b).orElse(null);
    List<DriftLocator.Drift> drift = failure != null || req.explain()
        ? DriftLocator.locate(g, r, samples, rt, b, DRIFT_LAYERS) : List.of();
    if (failure != null) {
      return new Outcome(r, Optional.of(report), drift, null, failure);
    }
    r.write(req.output());
    return new Outcome(r, Optional.of(report), drift, req.output(), null);
  }

  /** The located layers as text for a message: "; first past the bound: ...". */
  public static String driftText(List<DriftLocator.Drift> drift) {
    if (drift.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("; first past the bound: ");
    for (int i = 0; i < drift.size(); i++) {
      DriftLocator.Drift d = drift.get(i);
      b.append(i == 0 ? "" : ", then ").append(String.join(" > ", d.layers()))
          .append(String.format(" (%s: %.3g, %.3g of its scale)", d.value(), d.maxAbsErr(),
              d.relativeError()));
    }
    return b.toString();
  }

  /** Reads up to {@code maxRows} samples of a calibration source into memory. */
  public static Map<String, NdArray> samples(CalibrationSource source, int maxRows) {
    return source.batch(0, Math.min(maxRows, source.size()));
  }

  /** The first {@code rows} rows of every array. */
  public static Map<String, NdArray> head(Map<String, NdArray> all, int rows) {
    Map<String, NdArray> out = new LinkedHashMap<>();
    all.forEach((k, v) -> out.put(k, v.rows() > rows ? v.rows(0, rows) : v));
    return out;
  }

  /**
   * Inputs of the graph's shapes with {@code rows} rows, fixed seed: uniform [0, 1) floats, and
   * for integer inputs integers below the rows of the constant table a Gather looks them up in
   * (token ids), else 0 or 1 (masks).
   */
  public static Map<String, NdArray> randomSamples(Graph g, int rows, long seed) {
    Random r = new Random(seed);
    Map<String, NdArray> out = new LinkedHashMap<>();
    Graph shaped = ShapeInference.infer(g);
    for (ValueInfo v : shaped.inputs()) {
      List<dev.graft.graph.Dim> dims = v.shape().dims();
      long[] s = new long[dims.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = i == 0 ? rows : dims.get(i).isKnown() ? dims.get(i).value() : 1;
      }
      int count = (int) NdArray.elementCount(s);
      if (v.type() == dev.graft.io.DType.INT64 || v.type() == dev.graft.io.DType.INT32) {
        int bound = lookupRows(shaped, v.name());
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
          ids[i] = r.nextInt(bound);
        }
        out.put(v.name(), v.type() == dev.graft.io.DType.INT64 ? NdArray.ofLongs(ids, s)
            : NdArray.ofInts(java.util.Arrays.stream(ids).mapToInt(x -> (int) x).toArray(), s));
        continue;
      }
      float[] x = new float[count];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat();
      }
      out.put(v.name(), NdArray.of(x, s));
    }
    return out;
  }

  /** The rows of the smallest constant table a Gather indexes with {@code input}, else 2. */
  private static int lookupRows(Graph g, String input) {
    int rows = Integer.MAX_VALUE;
    for (dev.graft.graph.Node n : g.consumers(input)) {
      if (n.op() == dev.graft.graph.Op.GATHER && n.input(1).equals(input)) {
        var table = g.constant(n.input(0));
        if (table.isPresent()) {
          long[] d = table.get().dims();
          long a = n.attrLong("axis", 0);
          rows = (int) Math.min(rows, d[(int) (a < 0 ? a + d.length : a)]);
        }
      }
    }
    return rows == Integer.MAX_VALUE ? 2 : rows;
  }
}
