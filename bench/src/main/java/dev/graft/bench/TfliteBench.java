package dev.graft.bench;

import dev.graft.data.Calibration;
import dev.graft.data.CalibrationSource;
import dev.graft.data.ImageOptions;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LiteRT (WebAssembly, CPU, one thread) latency of each fixture model converted by Graft, fp32
 * against full-integer int8, with each file's agreement with ONNX Runtime beside it.
 *
 * <p>Usage: {@code bench/run TfliteBench [--warmup N] [--runs N]} from the repository root;
 * defaults 10 and 50. Needs the LiteRT runner ({@code npm ci} in {@code tools/litert-runner}).
 * int8 is calibrated on: the digits training split (trained digits fixtures), the MobileNetV2
 * fixture's own inputs, the real photo {@code fixtures/third_party/faces.jpg} (face detector), and
 * fixed-seed uniform inputs (the MNIST models, which take 28×28 images the digits set lacks).
 * The comparison with ONNX Runtime runs on the first 8 calibration rows.
 */
public final class TfliteBench {
  private static final Path FIXTURES = Path.of("fixtures");

  private TfliteBench() {}

  public static void main(String[] args) throws Exception {
    int warmup = 10;
    int runs = 50;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--warmup") && i + 1 < args.length) {
        warmup = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--runs") && i + 1 < args.length) {
        runs = Integer.parseInt(args[++i]);
      } else {
        System.err.println("usage: bench/run TfliteBench [--warmup N] [--runs N]");
        System.exit(2);
      }
    }
    LiteRt rt = LiteRt.locate();
    Path dir = Files.createTempDirectory("graft-bench");
    System.out.printf(Locale.ROOT, "LiteRT (wasm, CPU, 1 thread) latency, %d warm-up runs, %d"
        + " timed runs, batch 1; Java %s, %d cores%n", warmup, runs,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-26s %-5s %10s %8s %9s %9s %9s  %s%n", "model", "prec",
        "bytes", "load ms", "first ms", "median", "mean", "vs ONNX Runtime (8 inputs)");
    for (String[] m : new String[][] {
        {"third_party/mnist-8.onnx", null},
        {"third_party/cnn_mnist_pytorch11.onnx", null},
        {"third_party/ultraface-slim-320.onnx", "photo"},
        {"models/residual_cnn.onnx", "digits/train_x_img.npy"},
        {"models/mobilenetv2.onnx", "models/mobilenetv2.input.npy"},
        {"models/deep_mlp.onnx", "digits/train_x_flat.npy"},
        {"models/transformer_encoder.onnx", "digits/train_x_tokens.npy"}}) {
      Path file = FIXTURES.resolve(m[0]);
      String name = file.getFileName().toString();
      if (!Files.exists(file)) {
        System.out.printf("%-26s skipped: %s not present (run from the repository root)%n", name,
            file);
        continue;
      }
      Graph g = OnnxReader.read(file);
      Map<String, NdArray> calib = calibration(g, m[1], dir);
      for (Precision p : List.of(Precision.FP32, Precision.INT8)) {
        ConvertOptions o = ConvertOptions.defaults().withPrecision(p).withCalibration(calib);
        ConvertResult r = TfliteConverter.convert(g, o);
        Verification.Report v = Verification.run(g, r, o, TfliteExport.head(calib, 8), rt);
        Path out = dir.resolve(name + "." + p.label() + ".tflite");
        r.write(out);
        Map<String, Object> b = rt.bench(out, warmup, runs);
        System.out.printf(Locale.ROOT, "%-26s %-5s %10d %8.1f %9.2f %9.3f %9.3f  err %.2g of"
            + " scale, top-1 %.3f%n", name, p.label(), r.size(), num(b.get("load_ms")),
            num(b.get("first_inference_ms")), num(b.get("median_ms")), num(b.get("mean_ms")),
            v.worstRelativeError(), v.top1Agreement());
      }
    }
  }

  private static Map<String, NdArray> calibration(Graph g, String source, Path dir)
      throws Exception {
    if (source == null) {
      return TfliteExport.randomSamples(g, 32, 0);
    }
    if (source.equals("photo")) {
      Path photos = Files.createDirectories(dir.resolve("photos"));
      Files.copy(FIXTURES.resolve("third_party/faces.jpg"), photos.resolve("faces.jpg"));
      ImageOptions io = new ImageOptions(240, 320, 3, new float[] {127f / 255},
          new float[] {128f / 255});
      try (CalibrationSource s = Calibration.open(List.of(photos.toString()), g, io)) {
        return s.batch(0, s.size());
      }
    }
    NdArray a = Npy.read(FIXTURES.resolve(source));
    return Map.of(g.inputNames().get(0), a.rows() > 128 ? a.rows(0, 128) : a);
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
