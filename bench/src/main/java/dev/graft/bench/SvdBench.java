package dev.graft.bench;

import dev.graft.linalg.Svd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Singular value decomposition time of the Jacobi rotations Graft used before ({@link JacobiSvd})
 * against {@link Svd} (EJML), and the time of {@code graft lowrank} on the MobileNetV3 fixture's
 * classifier with the CLI built before and after the change.
 *
 * <p>Usage: {@code bench/run SvdBench [--rounds N] [--sizes 256,768,1024] [--before-jar JAR]
 * [--after-jar JAR]}. Square Gaussian matrices (seed 7); each round times old then new for every
 * size, so the two are interleaved; the figures are wall and thread-CPU seconds, min and median
 * over the rounds, and the largest difference of the singular values relative to the largest.
 * With {@code --before-jar} (a {@code graft-cli.jar} built from the commit before) the same
 * rounds run {@code lowrank --layers classifier.* --energy 0.95} with the fixture's calibration
 * set under both CLIs, interleaved, through {@code /usr/bin/time}; the after jar defaults to
 * {@code desktop-cli/target/graft-cli.jar} (run {@code ./graft} once to build it).
 */
public final class SvdBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SvdBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int[] sizes = {256, 768, 1024};
    Path before = null;
    Path after = Path.of("desktop-cli/target/graft-cli.jar");
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt)
            .toArray();
        case "--before-jar" -> before = Path.of(args[i + 1]);
        case "--after-jar" -> after = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "SvdBench: %d rounds, %d cores, load average %.1f%n", rounds,
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    svds(sizes, rounds);
    if (before != null) {
      lowrank(before, after, rounds);
    }
  }

  private static void svds(int[] sizes, int rounds) {
    Random r = new Random(7);
    double[][][] inputs = new double[sizes.length][][];
    for (int i = 0; i < sizes.length; i++) {
      inputs[i] = new double[sizes[i]][sizes[i]];
      for (double[] row : inputs[i]) {
        for (int j = 0; j < row.length; j++) {
          row[j] = r.nextGaussian();
        }
      }
    }
    Svd.of(inputs[0]); // load EJML's classes before the first timing
    double[][][] times = new double[sizes.length][4][rounds]; // old wall, old cpu, new wall, cpu
    double[] agree = new double[sizes.length];
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < sizes.length; i++) {
        Svd old = time(JacobiSvd::svd, inputs[i], times[i], 0, round);
        Svd now = time(Svd::of, inputs[i], times[i], 2, round);
        for (int k = 0; k < now.size(); k++) {
          agree[i] = Math.max(agree[i], Math.abs(old.s()[k] - now.s()[k]) / now.s()[0]);
        }
        System.out.printf(Locale.ROOT, "  round %d %4d²: jacobi %.3f s (cpu %.3f), ejml %.3f s"
            + " (cpu %.3f)%n", round + 1, sizes[i], times[i][0][round], times[i][1][round],
            times[i][2][round], times[i][3][round]);
      }
    }
    System.out.println("size       jacobi wall min/med   cpu min/med   | ejml wall min/med   "
        + "cpu min/med   | speedup (median cpu)  max |Δs|/s₀");
    for (int i = 0; i < sizes.length; i++) {
      double[][] t = times[i];
      System.out.printf(Locale.ROOT, "%4d×%-4d  %8.3f %8.3f  %6.3f %6.3f | %7.3f %7.3f  %6.3f %6.3f"
          + " | %8.1f×  %10.1e%n", sizes[i], sizes[i], min(t[0]), median(t[0]), min(t[1]),
          median(t[1]), min(t[2]), median(t[2]), min(t[3]), median(t[3]),
          median(t[1]) / median(t[3]), agree[i]);
    }
  }

  private static Svd time(Function<double[][], Svd> svd, double[][] a, double[][] out, int at,
      int round) {
    long wall = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    Svd s = svd.apply(a);
    out[at + 1][round] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
    out[at][round] = (System.nanoTime() - wall) / 1e9;
    return s;
  }

  private static void lowrank(Path before, Path after, int rounds) throws Exception {
    for (Path jar : List.of(before, after)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("no CLI jar at " + jar);
      }
    }
    Path out = Files.createTempDirectory("svdbench");
    double[][] t = new double[4][rounds]; // before wall, before cpu, after wall, after cpu
    for (int round = 0; round < rounds; round++) {
      for (int which = 0; which < 2; which++) {
        Path jar = which == 0 ? before : after;
        double[] wallCpu = runLowrank(jar, out.resolve("lowrank" + which + ".onnx"));
        t[2 * which][round] = wallCpu[0];
        t[2 * which + 1][round] = wallCpu[1];
        System.out.printf(Locale.ROOT, "  round %d lowrank %s: %.1f s wall, %.1f s cpu%n",
            round + 1, which == 0 ? "before" : "after", wallCpu[0], wallCpu[1]);
      }
    }
    System.out.printf(Locale.ROOT, "graft lowrank fm_mobilenetv3 classifier.* (wall min/med, cpu"
        + " min/med): before %.1f/%.1f s, %.1f/%.1f s; after %.1f/%.1f s, %.1f/%.1f s%n",
        min(t[0]), median(t[0]), min(t[1]), median(t[1]), min(t[2]), median(t[2]), min(t[3]),
        median(t[3]));
  }

  /** Wall and user+system seconds of one {@code graft lowrank} run, from /usr/bin/time. */
  private static double[] runLowrank(Path jar, Path output) throws Exception {
    return Cli.time(jar, List.of("lowrank", "fixtures/modern/fm_mobilenetv3.onnx", "--layers",
        "classifier.*", "--energy", "0.95", "--calibration", "fixtures/fashion/test_x.npy", "-o",
        output.toString()));
  }

  private static double min(double[] x) {
    return Cli.min(x);
  }

  private static double median(double[] x) {
    return Cli.median(x);
  }
}
