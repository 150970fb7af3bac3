package dev.graft.tflite;

import dev.graft.data.CalibrationSource;
import dev.graft.data.NdArray;
import dev.graft.graph.Graph;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
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
   */
  public record Request(Path model, Path output, ConvertOptions options, boolean verify,
      Verification.Bound bound) {}

  /** What happened: the conversion, the verification if asked, the file written. */
  public record Outcome(ConvertResult result, Optional<Verification.Report> verification,
      Path written) {}

  public static Outcome run(Request req) {
    Graph g = OnnxReader.read(req.model());
    ConvertResult r = TfliteConverter.convert(g, req.options());
    Verification.Report report = null;
    if (req.verify()) {
      LiteRt rt = LiteRt.locate();
      Map<String, NdArray> samples = req.options().calibration().isEmpty()
          ? randomSamples(g, 8, 0) : head(req.options().calibration(), VERIFY_ROWS);
      Verification.Bound b = req.bound() != null ? req.bound()
          : Verification.Bound.forPrecision(req.options().precision());
      report = Verification.run(g, r, req.options(), samples, rt, b.roles()).require(b);
    }
    r.write(req.output());
    return new Outcome(r, Optional.ofNullable(report), req.output());
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

  /** Uniform [0, 1) float inputs of the graph's shapes with {@code rows} rows, fixed seed. */
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
      float[] x = new float[(int) NdArray.count(s)];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat();
      }
      out.put(v.name(), NdArray.of(x, s));
    }
    return out;
  }
}
