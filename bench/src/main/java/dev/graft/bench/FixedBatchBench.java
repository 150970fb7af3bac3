package dev.graft.bench;

import dev.graft.data.ArraySource;
import dev.graft.exec.Device;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.verify.Evaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput of a model whose inputs declare a batch of 1 (run chunk by chunk on worker threads,
 * as every Graft command runs it) against the same network with a symbolic batch (run in batches
 * of 64), over the same samples, interleaved A/B and repeated. Run from the repository root:
 * {@code bench/run FixedBatchBench [MODEL] [DATA.npy] [rounds]}; default fm_resnet20
 * (TorchScript export) on the 512 Fashion-MNIST test images. Prints samples/s per round and the
 * min/median/max of each and of the ratio fixed/symbolic.
 */
public final class FixedBatchBench {
  public static void main(String[] args) {
    Path model = Path.of(args.length > 0 ? args[0]
        : "fixtures/third_party/fm_resnet20.torchscript.onnx");
    Path data = Path.of(args.length > 1 ? args[1] : "fixtures/fashion/test_x.npy");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Graph symbolic = OnnxReader.read(model);
    Graph fixed = fixBatch(symbolic);
    NdArray x = Npy.read(data);
    ArraySource source = ArraySource.of(Map.of(symbolic.inputNames().get(0), x));
    System.out.printf(Locale.ROOT, "%s: %d samples, %d cores; fixed = inputs and outputs declare"
        + " batch 1%n", model.getFileName(), x.rows(), Runtime.getRuntime().availableProcessors());
    float[] a = Evaluator.runAll(fixed, source, Device.CPU, 64); // warm-up, and a check
    float[] b = Evaluator.runAll(symbolic, source, Device.CPU, 64);
    double maxDiff = 0;
    for (int i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    }
    System.out.printf(Locale.ROOT, "max |fixed - symbolic| over all outputs: %.3g%n", maxDiff);
    List<Double> fx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    List<Double> ratio = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double f = rate(fixed, source, x.rows());
      double s = rate(symbolic, source, x.rows());
      fx.add(f);
      sy.add(s);
      ratio.add(f / s);
      System.out.printf(Locale.ROOT, "round %d: fixed %.0f samples/s, symbolic %.0f samples/s,"
          + " ratio %.2f%n", r + 1, f, s, f / s);
    }
    System.out.println("fixed    samples/s " + summary(fx));
    System.out.println("symbolic samples/s " + summary(sy));
    System.out.println("ratio fixed/symbolic " + summary(ratio));
  }

  private static double rate(Graph g, ArraySource source, int rows) {
    long t0 = System.nanoTime();
    Evaluator.runAll(g, source, Device.CPU, 64);
    return rows / ((System.nanoTime() - t0) / 1e9);
  }

  /** The graph with the first axis of every input and output fixed to 1. */
  static Graph fixBatch(Graph g) {
    List<ValueInfo> ins = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      ins.add(v.withShape(v.shape().withDim(0, Dim.of(1))));
    }
    List<ValueInfo> outs = new ArrayList<>();
    for (ValueInfo v : g.outputs()) {
      outs.add(v.shape() == null ? v : v.withShape(v.shape().withDim(0, Dim.of(1))));
    }
    return g.toBuilder().inputs(ins).outputs(outs).clearValueInfo().build();
  }

  private static String summary(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return String.format(Locale.ROOT, "min %.2f median %.2f max %.2f (spread %.0f%%)", s[0],
        s[s.length / 2], s[s.length - 1], 100 * (s[s.length - 1] - s[0]) / s[s.length / 2]);
  }
}
