package dev.graft.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native LAPACK path of {@link Svd} against EJML, and how the backend is decided. */
class LapackSvdTest {
  private static final String NO_LAPACK = "no native LAPACK in this process: liblapack.so.3 is"
      + " not installed (Debian: libopenblas0-pthread)";

  @Test
  void agreesWithEjmlOnValuesAndSignedVectorsOfTallAndWideMatrices() {
    assumeTrue(LapackSvd.available(), NO_LAPACK);
    Random r = new Random(4);
    for (int[] mn : new int[][] {{200, 150}, {150, 200}}) {
      double[][] a = SvdTest.randn(r, mn[0], mn[1]);
      Svd lapack = Svd.signed(LapackSvd.of(a));
      Svd ejml = Svd.ejml(a);
      double values = 0;
      double vectors = 0;
      for (int k = 0; k < ejml.size(); k++) {
        values = Math.max(values, Math.abs(lapack.s()[k] - ejml.s()[k]) / ejml.s()[0]);
        for (int i = 0; i < mn[0]; i++) {
          vectors = Math.max(vectors, Math.abs(lapack.u()[i][k] - ejml.u()[i][k]));
        }
        for (int j = 0; j < mn[1]; j++) {
          vectors = Math.max(vectors, Math.abs(lapack.v()[j][k] - ejml.v()[j][k]));
        }
      }
      assertTrue(values < 1e-13, "max |Δs|/s₀ " + values);
      assertTrue(vectors < 1e-9, "max |Δu|, |Δv| " + vectors);
    }
  }

  @Test
  void isChosenWhereItLoads() {
    assumeTrue(LapackSvd.available(), NO_LAPACK);
    assertTrue(Svd.backend().startsWith("LAPACK dgesdd (") && Svd.backend().contains("liblapack"),
        Svd.backend());
  }

  @Test
  void propertyFalseLoadsNothing() {
    assertNull(LapackSvd.load("false"));
    assertNull(LapackSvd.load("FALSE"));
  }

  @Test
  void propertyFalseMakesSvdUseEjmlSilently() throws Exception {
    Probe p = probe(List.of("-D" + LapackSvd.PROPERTY + "=false"), null);
    assertEquals("EJML 5.000000\n", p.out);
    assertEquals("", p.err);
  }

  @Test
  void unloadableLibraryMakesSvdUseEjmlSilently(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("liblapack.so.3"), new byte[0]); // found first, and not a library
    Probe p = probe(List.of(), dir);
    assertEquals("EJML 5.000000\n", p.out);
    assertEquals("", p.err);
  }

  @Test
  void separateProcessLoadsNativeLapackSilently() throws Exception {
    assumeTrue(LapackSvd.available(), NO_LAPACK);
    Probe p = probe(List.of(), null);
    assertTrue(p.out.startsWith("LAPACK dgesdd (") && p.out.endsWith(" 5.000000\n"), p.out);
    assertEquals("", p.err);
  }

  record Probe(String out, String err) {}

  /** Runs {@link SvdProbe} in a fresh JVM, with {@code libraries} first on LD_LIBRARY_PATH. */
  private static Probe probe(List<String> options, Path libraries)
      throws IOException, InterruptedException {
    return probe(SvdProbe.class, options, libraries);
  }

  /** Runs {@code main} in a fresh JVM, with {@code libraries} first on LD_LIBRARY_PATH. */
  static Probe probe(Class<?> main, List<String> options, Path libraries)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        main.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (libraries != null) {
      String path = System.getenv("LD_LIBRARY_PATH");
      builder.environment().put("LD_LIBRARY_PATH",
          libraries + (path == null ? "" : File.pathSeparator + path));
    }
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] err = process.getErrorStream().readAllBytes();
    byte[] out = process.getInputStream().readAllBytes();
    assertEquals(0, process.waitFor(), new String(err, StandardCharsets.UTF_8));
    return new Probe(new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }
}
