package dev.graft.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.netlib.util.intW;

/**
 * LAPACK's divide-and-conquer SVD ({@code dgesdd}) through the system's {@code liblapack.so.3}
 * (OpenBLAS or the reference LAPACK), reached by the JNI glue of {@code dev.ludovic.netlib}. The
 * library is looked for once per process, on first use; where it is absent (macOS, Windows, a
 * Linux without a LAPACK package) or {@code -Dgraft.linalg.native=false} is given, {@link
 * #available()} is false and {@link Svd#of} and {@link SymmetricEigen#of} use EJML. That
 * library's own pure-Java fallback is never used: it is slower than EJML.
 *
 * <p>With OpenBLAS a call may run on its worker threads (one per core, or {@code
 * OPENBLAS_NUM_THREADS}); results are the same bits from run to run at one thread count, and may
 * differ in the last bits between thread counts or machines.
 */
final class LapackSvd {
  /** The system property that turns the native path off when it is {@code false}. */
  static final String PROPERTY = "graft.linalg.native";

  /** The class that logs a warning when the JNI glue does not load; silenced while loading. */
  private static final String LOADER_LOGGER = "dev.ludovic.netlib.lapack.InstanceBuilder";

  private LapackSvd() {}

  /** The loaded library, decided at first use (holder idiom: nothing is loaded before). */
  private static final class Holder {
    static final LAPACK LAPACK = load(System.getProperty(PROPERTY));
    static final String LIBRARY = LAPACK == null ? null : libraryPath();
  }

  /** Whether native LAPACK is in use in this process. */
  static boolean available() {
    return Holder.LAPACK != null;
  }

  /** "LAPACK dgesdd (the liblapack file it runs)", or null when not {@link #available()}. */
  static String name() {
    return available() ? "LAPACK dgesdd (" + library() + ")" : null;
  }

  /** The liblapack file in use, or null when not {@link #available()}. */
  static String library() {
    return Holder.LIBRARY;
  }

  /**
   * The loaded native LAPACK, or null when not {@link #available()}: the one decision that
   * {@link Svd#of} and {@link SymmetricEigen#of} share.
   */
  static LAPACK lapack() {
    return Holder.LAPACK;
  }

  /**
   * The native LAPACK, or null when {@code property} is {@code "false"}, the JNI glue has no build
   * for this system, or it does not load (no {@code liblapack.so.3}). Prints nothing.
   */
  static LAPACK load(String property) {
    if ("false".equalsIgnoreCase(property)) {
      return null;
    }
    String glue = String.format(Locale.ROOT, "resources/native/%s-%s/libnetliblapackjni.so",
        System.getProperty("os.name"), System.getProperty("os.arch"));
    if (LapackSvd.class.getClassLoader().getResource(glue) == null) {
      return null; // not Linux amd64 or aarch64: the glue would fail after making a temp file
    }
    Logger log = Logger.getLogger(LOADER_LOGGER); // held here: loggers are weakly referenced
    Level level = log.getLevel();
    log.setLevel(Level.OFF);
    try {
      return NativeLAPACK.getInstance();
    } catch (RuntimeException | LinkageError e) {
      return null;
    } finally {
      log.setLevel(level);
    }
  }

  /** The thin SVD of a finite {@code a} by dgesdd, or null when it did not converge. */
  static Svd of(double[][] a) {
    return of(Holder.LAPACK, a);
  }

  /**
   * dgesdd on {@code a} (row-major m×n, finite). Its row-major data is Aᵀ in LAPACK's
   * column-major order, so the n×m problem Aᵀ = U' S V'ᵀ is solved and A = V' S U'ᵀ: Graft's U
   * is V' (whose transpose VT' LAPACK returns, already row-major for U) and Graft's V is U'.
   */
  static Svd of(LAPACK lapack, double[][] a) {
    int m = a.length;
    int n = a[0].length;
    int k = Math.min(m, n);
    double[] at = new double[m * n];
    for (int i = 0; i < m; i++) {
      System.arraycopy(a[i], 0, at, i * n, n);
    }
    double[] s = new double[k];
    double[] uPrime = new double[n * k]; // n×k column-major, ldu = n
    double[] vtPrime = new double[k * m]; // k×m column-major, ldvt = k
    int[] iwork = new int[8 * k];
    intW info = new intW(0);
    double[] query = new double[1];
    lapack.dgesdd("S", n, m, at, n, s, uPrime, n, vtPrime, k, query, -1, iwork, info);
    check(info, m, n);
    double[] work = new double[Math.max(1, (int) Math.ceil(query[0]))];
    lapack.dgesdd("S", n, m, at, n, s, uPrime, n, vtPrime, k, work, work.length, iwork, info);
    if (info.val > 0) {
      return null; // the bidiagonal divide and conquer did not converge
    }
    check(info, m, n);
    double[][] u = new double[m][k];
    for (int i = 0; i < m; i++) {
      System.arraycopy(vtPrime, i * k, u[i], 0, k);
    }
    double[][] v = new double[n][k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < n; j++) {
        v[j][c] = uPrime[c * n + j];
      }
    }
    return new Svd(u, s, v);
  }

  /** A negative info names an argument dgesdd refused: a defect here, not the user's input. */
  private static void check(intW info, int m, int n) {
    if (info.val < 0) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "dgesdd refused argument %d for a %dx%d matrix", -info.val, m, n));
    }
  }

  /** The liblapack file this process mapped (from /proc/self/maps), or "liblapack.so.3". */
  private static String libraryPath() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.contains("liblapack")).findFirst().orElse("liblapack.so.3");
    } catch (IOException | RuntimeException e) {
      return "liblapack.so.3";
    }
  }
}
