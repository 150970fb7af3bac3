package dev.graft.linalg;

import java.util.Locale;

/**
 * Prints {@link Svd#backend()} and the largest singular value of diag(3, −5, 1), for {@link
 * LapackSvdTest} to run in a fresh JVM (the backend is decided once per process).
 */
final class SvdProbe {
  private SvdProbe() {}

  public static void main(String[] args) {
    double[][] a = {{3, 0, 0}, {0, -5, 0}, {0, 0, 1}};
    System.out.printf(Locale.ROOT, "%s %.6f%n", Svd.backend(), Svd.of(a).s()[0]);
  }
}
