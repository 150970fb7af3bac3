package dev.graft.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.graft.linalg.Dense;
import dev.graft.linalg.Svd;
import dev.graft.linalg.SymmetricEigen;
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
 * JacobiSvd}); the time of a covariance's decomposition by {@link SymmetricEigen} against the
 * SVD, on both backends; and the time of {@code graft lowrank} with and without native LAPACK.
 *
 * <p>Usage: {@code bench/run SvdBench [--rounds N] [--sizes 256,768,1024] [--no-jacobi] [--jar
 * JAR] [--before JAR] [--lowrank MODEL,LAYERS,CALIBRATION]...}. Square Gaussian matrices (seed
 * 7), and covariances XᵀX/2n of 2n×n Gaussian X (seed 8); each round times every method on every
 * size, in an order that alternates from round to round, so they are interleaved. Figures: wall
 * and process CPU seconds (all threads: OpenBLAS runs its own), min and median over the rounds;
 * the largest difference of the singular values (or eigenvalues) from the reference's relative
 * to the largest (EJML's SVD; for covariances dgesdd's where it loads), and the largest entry of
 * |UᵀU − I| (or |QᵀQ − I|). Then {@code graft lowrank} (the CLI jar, by default {@code
 * desktop-cli/target/graft-cli.jar}, which {@code bench/run} builds; with {@code --before} that
 * jar too) at energy 0.95 on {@link #MOBILENET} and each {@code --lowrank} case, with {@code
 * -Dgraft.linalg.native=false} and without, interleaved, through {@code /usr/bin/time}.
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
    Path before = null;
    List<List<String>> lowrank = new ArrayList<>(List.of(MOBILENET));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
            .toArray();
        case "--no-jacobi" -> jacobi = false;
        case "--jar" -> jar = Path.of(args[++i]);
        case "--before" -> before = Path.of(args[++i]);
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
    time("Gaussian", inputs(sizes, 7, false), rounds, methods, 1);
    System.out.println("SymmetricEigen.of backend: " + SymmetricEigen.backend());
    boolean lapack = Svd.backend().startsWith("LAPACK");
    List<Method> covariance = new ArrayList<>();
    if (lapack) {
      covariance.add(new Method("dsyevd", a -> eigen(SymmetricEigen.of(a))));
    }
    covariance.add(new Method("ejml-eig", a -> eigen(SymmetricEigen.ejml(a))));
    if (lapack) {
      covariance.add(new Method("dgesdd", Svd::of));
    }
    covariance.add(new Method("ejml-svd", Svd::ejml));
    time("covariance", inputs(sizes, 8, true), rounds, covariance, lapack ? 2 : 1);
    lowrank(jar, before, rounds, lowrank);
    System.out.printf(Locale.ROOT, "load average at the end %.1f%n", OS.getSystemLoadAverage());
  }

  /** A decomposition timed: an SVD, or an eigendecomposition as the SVD (Q, λ, Q) it equals. */
  private record Method(String name, Function<double[][], Svd> svd) {}

  private static Svd eigen(SymmetricEigen e) {
    return new Svd(e.vectors(), e.values(), e.vectors());
  }

  /** Gaussian n×n matrices, or with {@code covariance} XᵀX/2n of 2n×n Gaussian X, per size. */
  private static double[][][] inputs(int[] sizes, long seed, boolean covariance) {
    Random r = new Random(seed);
    double[][][] inputs = new double[sizes.length][][];
    for (int i = 0; i < sizes.length; i++) {
      double[][] x = new double[covariance ? 2 * sizes[i] : sizes[i]][sizes[i]];
      for (double[] row : x) {
        for (int j = 0; j < row.length; j++) {
          row[j] = r.nextGaussian();
        }
      }
      inputs[i] = covariance ? Dense.mul(Dense.transpose(x), x) : x;
      if (covariance) {
        for (double[] row : inputs[i]) {
          for (int j = 0; j < row.length; j++) {
            row[j] /= x.length;
          }
        }
      }
    }
    return inputs;
  }

  /**
   * Times every method on every input, interleaved over rounds, and prints the table; {@code
   * reference} is the method whose values the others are compared with.
   */
  private static void time(String title, double[][][] inputs, int rounds, List<Method> methods,
      int reference) {
    for (Method m : methods) {
      m.svd().apply(inputs[0]); // load the classes and the native library before the first timing
    }
    int[] sizes = Arrays.stream(inputs).mapToInt(a -> a.length).toArray();
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
            valueError[i][m] = valueError(results[m], results[reference]);
            orthogonality[i][m] = orthogonality(results[m].u());
          }
        }
      }
    }
    System.out.println(title + " size  method   wall min/med     cpu min/med    | max |Δs|/s₀ vs "
        + methods.get(reference).name() + "  max |UᵀU−I|");
    for (int i = 0; i < sizes.length; i++) {
      for (int m = 0; m < count; m++) {
        double[][] t = times[i][m];
        System.out.printf(Locale.ROOT,
            "%4d×%-4d  %-8s  %7.3f %7.3f  %7.3f %7.3f  | %10.1e  %12.1e%n", sizes[i], sizes[i],
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

  /**
   * Times {@code graft lowrank MODEL --layers LAYERS --energy 0.95 --calibration DATA} by {@code
   * jar} (and {@code before} unless null), each with and without native LAPACK, interleaved.
   */
  private static void lowrank(Path jar, Path before, int rounds, List<List<String>> cases)
      throws Exception {
    Path out = Files.createTempDirectory("svdbench");
    List<Path> jars = before == null ? List.of(jar) : List.of(jar, before);
    int count = 2 * jars.size(); // jar j default (2j), jar j native=false (2j + 1)
    try {
      for (List<String> c : cases) {
        List<String> args = List.of("lowrank", c.get(0), "--layers", c.get(1), "--energy",
            "0.95", "--calibration", c.get(2), "-o", out.resolve("lowrank.onnx").toString());
        String name = Path.of(c.get(0)).getFileName() + " " + c.get(1);
        double[][][] t = new double[count][2][rounds]; // [wall, cpu]
        for (int round = 0; round < rounds; round++) {
          for (int o = 0; o < count; o++) {
            int which = (o + round) % count;
            List<String> jvm = which % 2 == 0 ? List.of() : List.of("-Dgraft.linalg.native=false");
            double[] wallCpu = Cli.time(jars.get(which / 2), jvm, args);
            t[which][0][round] = wallCpu[0];
            t[which][1][round] = wallCpu[1];
            System.out.printf(Locale.ROOT, "  round %d lowrank %s, %s: %.2f s wall, %.2f s cpu%n",
                round + 1, name, label(jars, which), wallCpu[0], wallCpu[1]);
          }
        }
        for (int w = 0; w < count; w++) {
          System.out.printf(Locale.ROOT, "graft lowrank %s, %s (wall min/med, cpu min/med):"
              + " %.2f/%.2f s, %.2f/%.2f s%n", name, label(jars, w), Cli.min(t[w][0]),
              Cli.median(t[w][0]), Cli.min(t[w][1]), Cli.median(t[w][1]));
        }
      }
    } finally {
      try (var files = Files.list(out)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(out);
    }
  }

  private static String label(List<Path> jars, int which) {
    return (jars.size() > 1 ? (which / 2 == 0 ? "this jar " : "--before jar ") : "")
        + (which % 2 == 0 ? "default" : "native=false");
  }
}
