package dev.graft.bench;

import dev.graft.data.NdArray;
import dev.graft.data.Npy;
import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
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
import java.util.Map;

/**
 * Prints LiteRT (WebAssembly, CPU) latency of each fixture model converted by Graft, fp32 against
 * int8 (full integer, calibrated on the digits training split or, for the third-party models, on
 * fixed-seed uniform inputs). Run from the repository root:
 *
 * <pre>
 * mvn -B -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) \
 *     dev.graft.bench.TfliteBench [--warmup 10] [--runs 50]
 * </pre>
 */
public final class TfliteBench {
  private TfliteBench() {}

  public static void main(String[] args) throws Exception {
    int warmup = 10;
    int runs = 50;
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--warmup")) {
        warmup = Integer.parseInt(args[i + 1]);
      } else if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[i + 1]);
      }
    }
    LiteRt rt = LiteRt.locate();
    List<String[]> models = new ArrayList<>();
    models.add(new String[] {"third_party", "mnist-8.onnx", null});
    models.add(new String[] {"third_party", "cnn_mnist_pytorch11.onnx", null});
    models.add(new String[] {"third_party", "ultraface-slim-320.onnx", null});
    models.add(new String[] {"models", "residual_cnn.onnx", "train_x_img.npy"});
    models.add(new String[] {"models", "mobilenetv2.onnx", null});
    models.add(new String[] {"models", "deep_mlp.onnx", "train_x_flat.npy"});
    models.add(new String[] {"models", "transformer_encoder.onnx", "train_x_tokens.npy"});
    Path dir = Files.createTempDirectory("graft-bench");
    System.out.printf("LiteRT (wasm) latency, %d warm-up runs, %d timed runs, batch 1%n", warmup,
        runs);
    System.out.printf("%-28s %-6s %10s %9s %9s %9s %9s  %s%n", "model", "prec", "bytes",
        "load ms", "first ms", "median", "mean", "LiteRT vs ONNX Runtime (8 inputs)");
    for (String[] m : models) {
      Path file = m[0].equals("models") ? Fixtures.model(m[1]) : Fixtures.thirdParty(m[1]);
      if (!Files.exists(file)) {
        System.out.printf("%-28s skipped: %s not present%n", m[1], file);
        continue;
      }
      Graph g = OnnxReader.read(file);
      Map<String, NdArray> calib = m[2] == null ? TfliteExport.randomSamples(g, 32, 0)
          : Map.of(g.inputNames().get(0), Npy.read(Fixtures.digits(m[2])).rows(0, 128));
      for (Precision p : List.of(Precision.FP32, Precision.INT8)) {
        ConvertResult r = TfliteConverter.convert(g,
            ConvertOptions.defaults().withPrecision(p).withCalibration(calib));
        ConvertOptions o = ConvertOptions.defaults().withPrecision(p).withCalibration(calib);
        Verification.Report v = Verification.run(g, r, o, TfliteExport.head(calib, 8), rt);
        String check = String.format("err %.2g of scale, top-1 %.2f", v.worstRelativeError(),
            v.top1Agreement());
        Path out = dir.resolve(m[1] + "." + p.label() + ".tflite");
        r.write(out);
        Map<String, Object> b = rt.bench(out, warmup, runs);
        System.out.printf("%-28s %-6s %10d %9.1f %9.2f %9.3f %9.3f  %s%n", m[1], p.label(),
            r.size(), num(b.get("load_ms")), num(b.get("first_inference_ms")),
            num(b.get("median_ms")), num(b.get("mean_ms")), check);
      }
    }
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
