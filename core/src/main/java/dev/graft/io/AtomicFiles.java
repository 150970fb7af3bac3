package dev.graft.io;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a crash never leaves half a file behind: the bytes go to a temporary file
 * beside the target, which is then moved into place.
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
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      readableByAll(tmp);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.writeTo(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
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

  /** Temporary files are private; the file they become is read like any other output. */
  private static void readableByAll(Path tmp) {
    try {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString(
          "rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the default permissions
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
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw GraftException.badInput("cannot read %s %s: %s", what, file, e.getMessage());
    } catch (UncheckedIOException e) {
      throw GraftException.badInput("cannot read %s %s: %s", what, file, e.getMessage());
    }
  }
}
