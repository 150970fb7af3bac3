package dev.graft.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.graft.linalg.Dense;
import dev.graft.linalg.Svd;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Singular value decomposition time of {@link Svd#of} (native LAPACK where this machine has it)
 * against EJML ({@link Svd#ejml}) and the one-sided Jacobi rotations Graft used first ({@link
 * JacobiSvd}), and the time of {@code graft lowrank} with and without native LAPACK.
 *
 * <p>Usage: {@code bench/run SvdBench [--rounds N] [--sizes 256,768,1024] [--no-jacobi] [--jar
 * JAR] [--lowrank MODEL,LAYERS,CALIBRATION]...}. Square Gaussian matrices (seed 7); each round
 * times every method on every size, in an order that alternates from round to round, so they are
 * interleaved. Figures: wall and process
 * CPU seconds (all threads: OpenBLAS runs its own), min and median over the rounds; the largest
 * difference of the singular values from EJML's relative to the largest, and the largest entry of
 * |UᵀU − I|. Then {@code graft lowrank} (the CLI jar, by default {@code
 * desktop-cli/target/graft-cli.jar}, which {@code bench/run} builds) at energy 0.95 on {@link
 * #MOBILENET} and each {@code --lowrank} case, with {@code -Dgraft.linalg.native=false} and
 * without, interleaved, through {@code /usr/bin/time}.
 */
public final class SvdBench {
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * The {@code graft lowrank} case always timed: the MobileNetV3 classifier (512×288 and
   * 10×512, the largest weight matrices in the fixtures).
   */
  private static final List<String> MOBILENET = List.of("fixtures/modern/fm_mobilenetv3.onnx",
      "classifier.*", "fixtures/fashion/test_x.npy");

  private SvdBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int[] sizes = {256, 768, 1024};
    boolean jacobi = true;
    Path jar = Path.of("desktop-cli/target/graft-cli.jar");
    List<List<String>> lowrank = new ArrayList<>(List.of(MOBILENET));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
            .toArray();
        case "--no-jacobi" -> jacobi = false;
        case "--jar" -> jar = Path.of(args[++i]);
        case "--lowrank" -> lowrank.add(List.of(args[++i].split(",", 3)));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "SvdBench: %d rounds, %d cores, load average %.1f%n", rounds,
        Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage());
    System.out.println("Svd.of backend: " + Svd.backend() + "; against: EJML"
        + (jacobi ? ", Jacobi" : ""));
    List<Method> methods = new ArrayList<>(List.of(
        new Method(Svd.backend().startsWith("LAPACK") ? "lapack" : "of=ejml", Svd::of),
        new Method("ejml", Svd::ejml)));
    if (jacobi) {
      methods.add(new Method("jacobi", JacobiSvd::svd));
    }
    svds(sizes, rounds, methods);
    lowrank(jar, rounds, lowrank);
    System.out.printf(Locale.ROOT, "load average at the end %.1f%n", OS.getSystemLoadAverage());
  }

  private record Method(String name, Function<double[][], Svd> svd) {}

  private static void svds(int[] sizes, int rounds, List<Method> methods) {
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
    Svd.of(inputs[0]); // load the classes and the native library before the first timing
    Svd.ejml(inputs[0]);
    int count = methods.size();
    double[][][][] times = new double[sizes.length][count][2][rounds]; // [wall, cpu]
    double[][] valueError = new double[sizes.length][count];
    double[][] orthogonality = new double[sizes.length][count];
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < sizes.length; i++) {
        Svd[] results = new Svd[count];
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d %4d²:",
            round + 1, sizes[i]));
        for (int o = 0; o < count; o++) {
          int m = (o + round) % count; // alternate who goes first
          long wall = System.nanoTime();
          long cpu = OS.getProcessCpuTime();
          results[m] = methods.get(m).svd().apply(inputs[i]);
          times[i][m][1][round] = (OS.getProcessCpuTime() - cpu) / 1e9;
          times[i][m][0][round] = (System.nanoTime() - wall) / 1e9;
        }
        for (int m = 0; m < count; m++) {
          line.append(String.format(Locale.ROOT, " %s %.3f s (cpu %.3f)", methods.get(m).name(),
              times[i][m][0][round], times[i][m][1][round]));
        }
        System.out.println(line);
        if (round == 0) {
          for (int m = 0; m < count; m++) {
            valueError[i][m] = valueError(results[m], results[1]);
            orthogonality[i][m] = orthogonality(results[m].u());
          }
        }
      }
    }
    System.out.println("size       method   wall min/med     cpu min/med    | max |Δs|/s₀ vs ejml"
        + "  max |UᵀU−I|");
    for (int i = 0; i < sizes.length; i++) {
      for (int m = 0; m < count; m++) {
        double[][] t = times[i][m];
        System.out.printf(Locale.ROOT,
            "%4d×%-4d  %-7s  %7.3f %7.3f  %7.3f %7.3f  | %10.1e  %12.1e%n", sizes[i], sizes[i],
            methods.get(m).name(), Cli.min(t[0]), Cli.median(t[0]), Cli.min(t[1]),
            Cli.median(t[1]), valueError[i][m], orthogonality[i][m]);
      }
    }
  }

  private static double valueError(Svd a, Svd reference) {
    double worst = 0;
    for (int k = 0; k < reference.size(); k++) {
      worst = Math.max(worst, Math.abs(a.s()[k] - reference.s()[k]) / reference.s()[0]);
    }
    return worst;
  }

  private static double orthogonality(double[][] u) {
    double[][] utu = Dense.mul(Dense.transpose(u), u);
    double worst = 0;
    for (int i = 0; i < utu.length; i++) {
      for (int j = 0; j < utu.length; j++) {
        worst = Math.max(worst, Math.abs(utu[i][j] - (i == j ? 1 : 0)));
      }
    }
    return worst;
  }

  /** Times {@code graft lowrank MODEL --layers LAYERS --energy 0.95 --calibration DATA}. */
  private static void lowrank(Path jar, int rounds, List<List<String>> cases) throws Exception {
    Path out = Files.createTempDirectory("svdbench");
    for (List<String> c : cases) {
      List<String> args = List.of("lowrank", c.get(0), "--layers", c.get(1), "--energy", "0.95",
          "--calibration", c.get(2), "-o", out.resolve("lowrank.onnx").toString());
      String name = Path.of(c.get(0)).getFileName() + " " + c.get(1);
      double[][] t = new double[4][rounds]; // native wall, cpu, ejml wall, cpu
      for (int round = 0; round < rounds; round++) {
        for (int o = 0; o < 2; o++) {
          int which = (o + round) % 2;
          List<String> jvm = which == 0 ? List.of() : List.of("-Dgraft.linalg.native=false");
          double[] wallCpu = Cli.time(jar, jvm, args);
          t[2 * which][round] = wallCpu[0];
          t[2 * which + 1][round] = wallCpu[1];
          System.out.printf(Locale.ROOT, "  round %d lowrank %s, %s: %.2f s wall, %.2f s cpu%n",
              round + 1, name, which == 0 ? "default" : "native=false", wallCpu[0],
              wallCpu[1]);
        }
      }
      System.out.printf(Locale.ROOT, "graft lowrank %s (wall min/med, cpu min/med): default"
          + " %.2f/%.2f s, %.2f/%.2f s; native=false %.2f/%.2f s, %.2f/%.2f s%n", name,
          Cli.min(t[0]), Cli.median(t[0]), Cli.min(t[1]), Cli.median(t[1]), Cli.min(t[2]),
          Cli.median(t[2]), Cli.min(t[3]), Cli.median(t[3]));
    }
  }
}
