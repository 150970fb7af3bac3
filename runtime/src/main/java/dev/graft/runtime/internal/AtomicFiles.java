package dev.graft.runtime.internal;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/** Writes files through a temporary file in the same folder, so a crash never leaves half. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code bytes} to {@code file}, creating its folder if needed. */
  public static void write(File file, byte[] bytes) throws IOException {
    File dir = file.getAbsoluteFile().getParentFile();
    if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("Cannot create folder " + dir);
    }
    File tmp = File.createTempFile("." + file.getName(), ".tmp", dir);
    try {
      try (OutputStream out = new FileOutputStream(tmp)) {
        out.write(bytes);
      }
      try {
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      if (tmp.exists() && !tmp.delete()) {
        tmp.deleteOnExit();
      }
    }
  }
}
