package dev.graft.linalg;

import java.util.Locale;

/**
 * Prints {@link SymmetricEigen#backend()} and the eigenvalues of diag(3, −5, 1), for {@link
 * SymmetricEigenTest} to run in a fresh JVM (the backend is decided once per process).
 */
final class SymmetricEigenProbe {
  private SymmetricEigenProbe() {}

  public static void main(String[] args) {
    double[] v = SymmetricEigen.of(new double[][] {{3, 0, 0}, {0, -5, 0}, {0, 0, 1}}).values();
    System.out.printf(Locale.ROOT, "%s %.6f %.6f %.6f%n", SymmetricEigen.backend(), v[0], v[1],
        v[2]);
  }
}
