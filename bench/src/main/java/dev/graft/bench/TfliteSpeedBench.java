package dev.graft.bench;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.tflite.ConvertOptions;
import dev.graft.tflite.ConvertResult;
import dev.graft.tflite.LiteRt;
import dev.graft.tflite.Precision;
import dev.graft.tflite.TfliteConverter;
import dev.graft.tflite.TfliteExport;
import dev.graft.tflite.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every model of {@code fixtures/third_party}, {@code fixtures/models} and {@code fixtures/modern}
 * converted by Graft at each precision: file size, operator counts, TRANSPOSE ops against the ONNX model's Transposes,
 * error against ONNX Runtime, and LiteRT latency measured interleaved with the model's other files
 * (and Google's converter's file where {@code fixtures/third_party} has one), with ratios to
 * Graft's fp32 file and to Google's.
 *
 * <p>Usage: {@code bench/run TfliteSpeedBench [--rounds R] [--runs N] [--warmup N] [MODEL.onnx
 * ...]} from the repository root; defaults 6 rounds of 10 runs after 5 warm-up runs. Latency is
 * LiteRT.js (WebAssembly, CPU, one thread) on random inputs; the ratios use the CPU time of the
 * runner per run (minimum and median), which other programs on a shared machine change much less
 * than wall-clock time (printed too). int8 is calibrated on 32 fixed-seed uniform inputs and
 * errors are measured on 8 others, as {@code graft convert --verify} does without data.
 */
public final class TfliteSpeedBench {
  private static final List<Precision> PRECISIONS = List.of(Precision.FP32, Precision.FP16,
      Precision.INT8_DYNAMIC, Precision.INT8);

  private TfliteSpeedBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 6;
    int runs = 10;
    int warmup = 5;
    List<Path> models = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> {
          if (args[i].startsWith("--")) {
            System.err.println("usage: bench/run TfliteSpeedBench [--rounds R] [--runs N]"
                + " [--warmup N] [MODEL.onnx ...]");
            System.exit(2);
          }
          models.add(Path.of(args[i]));
        }
      }
    }
    if (models.isEmpty()) {
      models = fixtures();
    }
    LiteRt rt = LiteRt.locate();
    Path dir = Files.createTempDirectory("graft-speed-bench");
    System.out.printf(Locale.ROOT, "LiteRT.js (wasm, CPU, 1 thread), random inputs, batch 1;"
        + " per file %d rounds x %d runs interleaved with the model's other files, after %d"
        + " warm-up runs; Java %s, %d cores%n", rounds, runs, warmup,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    System.out.println("ratios: CPU ms per run, min/median, against Graft's fp32 file (x fp32)"
        + " and Google's converter's file (x Google); T/ONNX: TRANSPOSE ops / the ONNX model's"
        + " Transposes; err: max abs error / output scale vs ONNX Runtime, * past the bound");
    System.out.printf(Locale.ROOT, "%-26s %-13s %8s %4s %6s %13s %13s %11s %11s %8s  %s%n",
        "model", "file", "bytes", "ops", "T/ONNX", "wall min/med", "cpu min/med", "x fp32",
        "x Google", "err", "op counts");
    for (Path model : models) {
      try {
        benchModel(model, rt, dir, rounds, runs, warmup);
      } catch (GraftException e) {
        System.out.printf("%-30s skipped: %s%n", model.getFileName(), e.getMessage());
      }
    }
  }

  private static List<Path> fixtures() throws Exception {
    List<Path> out = new ArrayList<>();
    for (String d : List.of("fixtures/third_party", "fixtures/models", "fixtures/modern")) {
      try (Stream<Path> s = Files.list(Path.of(d))) {
        s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  /** One converted file, or Google's. */
  private record Row(String label, Path file, ConvertResult result, String error) {}

  private static void benchModel(Path model, LiteRt rt, Path dir, int rounds, int runs,
      int warmup) throws Exception {
    Graph g = OnnxReader.read(model);
    String name = model.getFileName().toString();
    long onnxTransposes = g.nodes().stream().filter(n -> n.op() == Op.TRANSPOSE).count();
    Map<String, NdArray> calib = TfliteExport.randomSamples(g, 32, 0);
    Map<String, NdArray> check = TfliteExport.randomSamples(g, 8, 1);
    List<Row> rows = new ArrayList<>();
    for (Precision p : PRECISIONS) {
      ConvertOptions o = ConvertOptions.defaults().withPrecision(p).withCalibration(calib);
      rows.add(convert(g, o, p.label(), name, dir, check, rt));
    }
    Path google = model.resolveSibling(name.replaceAll("\\.onnx$", ".tflite"));
    if (Files.exists(google)) {
      rows.add(new Row("Google fp32", google, null, ""));
    }
    List<Map<String, Object>> t = rt.compare(rows.stream().map(Row::file).toList(), rounds, runs,
        warmup);
    Map<String, Object> fp32 = t.get(0);
    Map<String, Object> googleRow = Files.exists(google) ? t.get(t.size() - 1) : null;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Map<String, Object> m = t.get(i);
      boolean graft = r.result() != null;
      boolean comparable = googleRow != null
          && (r.label().equals("fp32") || r.label().startsWith("Google"));
      System.out.printf(Locale.ROOT, "%-26s %-13s %8d %4s %6s %6.2f/%-6.2f %6.2f/%-6.2f %11s %11s"
          + " %8s  %s%n", name, r.label(), Files.size(r.file()),
          graft ? Integer.toString(r.result().opCounts().values().stream()
              .mapToInt(Integer::intValue).sum()) : "",
          graft ? r.result().count("TRANSPOSE") + "/" + onnxTransposes : "",
          num(m.get("min_ms")), num(m.get("median_ms")), num(m.get("cpu_min_ms")),
          num(m.get("cpu_median_ms")), ratio(m, fp32), comparable ? ratio(m, googleRow) : "",
          r.error(), graft ? ops(r.result()) : "");
    }
  }

  /** CPU min and median of {@code a} over those of {@code b}. */
  private static String ratio(Map<String, Object> a, Map<String, Object> b) {
    return String.format(Locale.ROOT, "%.2f/%.2f",
        num(a.get("cpu_min_ms")) / num(b.get("cpu_min_ms")),
        num(a.get("cpu_median_ms")) / num(b.get("cpu_median_ms")));
  }

  private static Row convert(Graph g, ConvertOptions o, String label, String name, Path dir,
      Map<String, NdArray> check, LiteRt rt) {
    ConvertResult r = TfliteConverter.convert(g, o);
    Path out = dir.resolve(name + "." + label.replace(' ', '-') + ".tflite");
    r.write(out);
    Verification.Report v = Verification.run(g, r, o, check, rt);
    boolean ok = v.failure(Verification.Bound.forPrecision(o.precision())).isEmpty();
    return new Row(label, out, r,
        String.format(Locale.ROOT, "%.2g%s", v.worstRelativeError(), ok ? "" : "*"));
  }

  private static String ops(ConvertResult r) {
    return r.opCounts().entrySet().stream()
        .map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + "x" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
