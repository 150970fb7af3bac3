package dev.graft.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Temporary folders a run creates (captured activations, random calibration data), deleted when
 * the run is done with them and, should the process be stopped first (Ctrl-C, SIGTERM, a recipe's
 * {@code System.exit}), by one shutdown hook. A {@code kill -9} cannot be caught: what it leaves in
 * a run's cache folder is cleared by the next run.
 *
 * <pre>{@code
 * Path dir = Temporaries.folder("graft-capture");
 * try { ... } finally { Temporaries.delete(dir); }
 * }</pre>
 */
public final class Temporaries {
  private static final Set<Path> LIVE = new LinkedHashSet<>();
  private static boolean hooked;

  private Temporaries() {}

  /** A new folder in the system's temporary folder, deleted at exit at the latest. */
  public static Path folder(String prefix) {
    try {
      return register(Files.createTempDirectory(prefix));
    } catch (IOException e) {
      throw new dev.graft.GraftException(dev.graft.GraftException.Kind.FAILURE,
          "cannot create a temporary folder: " + e.getMessage(), e);
    }
  }

  /** Registers a file or folder to delete at exit unless {@link #delete} comes first. */
  public static synchronized Path register(Path p) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(Temporaries::deleteAllNow, "graft-cleanup"));
      hooked = true;
    }
    LIVE.add(p.toAbsolutePath());
    return p;
  }

  /** Deletes a registered file or folder (and what it holds) now. */
  public static void delete(Path p) {
    synchronized (Temporaries.class) {
      LIVE.remove(p.toAbsolutePath());
    }
    deleteTree(p);
  }

  /** Deletes every registered temporary now (the shutdown hook does this at exit). */
  public static void deleteAllNow() {
    Set<Path> all;
    synchronized (Temporaries.class) {
      all = new LinkedHashSet<>(LIVE);
      LIVE.clear();
    }
    all.forEach(Temporaries::deleteTree);
  }

  /** Deletes a file, or a folder and everything in it; what cannot be deleted is left. */
  public static void deleteTree(Path p) {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException ignored) {
      // best effort: a file another process holds is left to it
    }
  }
}
