package dev.graft.bench;

import dev.graft.data.ArraySource;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.thin.ThinOptions;
import dev.graft.thin.ThinResult;
import dev.graft.thin.Thinner;
import java.nio.file.Path;
import java.util.Map;

/**
 * Time of {@code graft thin}'s work ({@link Thinner#thin}: channel statistics, selection, refit)
 * on {@code fixtures/third_party/fm_resnet20.torchscript.onnx}, {@code layer*.conv1 --keep 0.5},
 * with Fashion-MNIST calibration rows of each given count (Debian's 60,000 training images,
 * repeated with noise past that). Prints seconds per size, the ratio of the largest to the
 * smallest, and the peak heap in use.
 *
 * <p>Arguments: row counts, default {@code 2000 20000}.
 */
public final class ThinBench {
  public static void main(String[] args) throws Exception {
    int[] sizes = args.length == 0 ? new int[] {2000, 20000}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    Graph model = OnnxReader.read(Path.of("fixtures/third_party/fm_resnet20.torchscript.onnx"));
    double first = Double.NaN;
    for (int rows : sizes) {
      NdArray x = FashionRows.images(rows);
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      ThinResult r;
      try (ArraySource cal = ArraySource.of(Map.of("input", x))) {
        r = Thinner.thin(model, ThinOptions.of("layer*.conv1", 0.5).calibration(cal));
      }
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = (cpuNanos() - c0) / 1e9;
      first = Double.isNaN(first) ? s : first;
      double worst = r.groups().stream().flatMap(g -> g.reconstructionRelErr().values().stream())
          .mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage();
      System.out.printf("thin layer*.conv1 keep 0.5, %d rows: %.2f s wall, %.2f s CPU (%.2fx the "
          + "first size's wall), %d groups, params %d -> %d, worst consumer rel err %.4f, load "
          + "%.1f%n", rows, s, cpu, s / first,
          r.groups().size(), r.paramsBefore(), r.paramsAfter(), worst, load);
    }
  }

  /** CPU time of this process, all threads (ONNX Runtime's native ones included). */
  static long cpuNanos() {
    return dev.graft.exec.Ort.processCpuNanos();
  }
}
