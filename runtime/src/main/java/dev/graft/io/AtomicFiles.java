package dev.graft.io;

import dev.graft.GraftException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a crash never leaves half a file behind: the bytes go to a temporary file
 * beside the target ({@code .NAME.PID.RANDOM.tmp}), which is flushed to the disk (fsync), moved
 * into place in one step, and then the folder itself is flushed, so that after a power cut the
 * target holds either its old bytes or all of the new ones. Where the OS cannot flush a folder
 * (Windows) that last step is skipped.
 *
 * <pre>{@code
 * AtomicFiles.writeString(Path.of("out/report.json"), text);
 * AtomicFiles.refuseInputs(output, List.of(teacher, data), "--report");
 * }</pre>
 *
 * <p>Failures are {@link GraftException}s: writing, {@link GraftException.Kind#FAILURE}; reading a
 * user's file or an output that is also an input, {@link GraftException.Kind#BAD_INPUT}.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes the whole content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(Path target, byte[] bytes) {
    write(target, out -> out.write(bytes));
  }

  public static void write(Path target, Writer writer) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      removeStale(abs);
      tmp = Files.createTempFile(dir, tempPrefix(abs), ".tmp");
      readableByAll(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        writer.writeTo(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      syncFolder(dir);
    } catch (IOException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE, "cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and named after the target
        }
      }
    }
  }

  /**
   * Flushes a folder's entries (the move just made) to the disk. Linux and macOS allow it through
   * a read-only channel on the folder; Windows refuses to open a folder, and there it is skipped.
   */
  static boolean syncFolder(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static final long PID = currentPid();

  /**
   * This process's id: from {@code ProcessHandle} where Java has it, from {@code /proc/self} on
   * Android (which lacks it), else 0.
   */
  static long currentPid() {
    try {
      return ProcessHandle.current().pid();
    } catch (LinkageError e) {
      try {
        return Long.parseLong(new java.io.File("/proc/self").getCanonicalFile().getName());
      } catch (IOException | NumberFormatException notLinux) {
        return 0;
      }
    }
  }

  private static boolean alive(long pid) {
    try {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (LinkageError e) {
      return new java.io.File("/proc/" + pid).exists();
    }
  }

  /** {@code .NAME.PID.}: a temporary file names its target and the process writing it. */
  private static String tempPrefix(Path target) {
    return "." + target.getFileName() + "." + PID + ".";
  }

  /**
   * Deletes the temporary files a killed process left beside {@code target}: those named for it
   * whose writing process is gone.
   */
  static void removeStale(Path target) {
    String prefix = "." + target.getFileName() + ".";
    try (var siblings = Files.newDirectoryStream(target.getParent(), prefix + "*.tmp")) {
      for (Path p : siblings) {
        String rest = p.getFileName().toString().substring(prefix.length());
        int dot = rest.indexOf('.');
        long pid;
        try {
          pid = dot > 0 ? Long.parseLong(rest.substring(0, dot)) : -1;
        } catch (NumberFormatException e) {
          continue; // not one of ours
        }
        if (pid > 0 && pid != PID && alive(pid)) {
          continue; // another live process is writing it
        }
        if (pid > 0 && pid != PID) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // best effort: a stale file is hidden and harmless
    }
  }

  /** Temporary files are private; the file they become is read like any other output. */
  private static void readableByAll(Path tmp) {
    try {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString(
          "rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the default permissions
    }
  }

  /**
   * Refuses an output that is one of the run's inputs (the same path, or the same file through a
   * link), before any work: Graft never writes over what it reads.
   */
  public static void refuseInputs(Path output, java.util.Collection<Path> inputs, String what) {
    Path out = output.toAbsolutePath().normalize();
    for (Path in : inputs) {
      Path abs = in.toAbsolutePath().normalize();
      boolean same = abs.equals(out);
      if (!same && Files.exists(out) && Files.exists(abs)) {
        try {
          same = Files.isSameFile(abs, out);
        } catch (IOException e) {
          same = false;
        }
      }
      if (same) {
        throw GraftException.badInput("%s %s is also an input of this run (%s); Graft never"
            + " writes over its inputs, choose another path", what, output, in);
      }
    }
  }

  public static void writeString(Path target, String text) {
    write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Reads a whole file, turning a missing or unreadable file into a bad-input error. */
  public static byte[] readInput(Path file, String what) {
    if (!Files.exists(file)) {
      throw GraftException.badInput("%s not found: %s", what, file);
    }
    if (Files.isDirectory(file)) {
      throw GraftException.badInput("%s is a directory, expected a file: %s", what, file);
    }
    try {
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw GraftException.badInput("%s %s is %.2f GB; Graft reads files of up to 2 GB (a model"
            + " with more weights keeps them as external data beside it)", what, file, size / 1e9);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s %s: %s", what, file, e.getMessage());
    } catch (UncheckedIOException e) {
      throw GraftException.badInput("cannot read %s %s: %s", what, file, e.getMessage());
    }
  }
}
