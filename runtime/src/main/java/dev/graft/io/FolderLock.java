package dev.graft.io;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An exclusive hold on a folder for one run, so that two runs never share its cache and captures.
 * The lock is the operating system's lock on a file in the folder, released when the run ends or
 * its process dies; the file records who holds it, and a second run fails with a one-line message
 * that names the holder. The thread that holds a folder may take it again (a command that locks
 * its output folder before loading a recipe, then runs it); the inner hold releases nothing.
 *
 * <pre>{@code
 * try (FolderLock lock = FolderLock.acquire(Path.of("out/.graft-cache"), "graft compress r.kts")) {
 *   ...
 * }
 * }</pre>
 */
public final class FolderLock implements AutoCloseable {
  private static final java.util.Map<Path, Thread> HELD = new java.util.concurrent.ConcurrentHashMap<>();

  private final Path folder;
  private final FileChannel channel;
  private final FileLock lock;

  private FolderLock(Path folder, FileChannel channel, FileLock lock) {
    this.folder = folder;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the folder for {@code holder} (what is running), or fails naming who has it. */
  public static FolderLock acquire(Path folder, String holder) {
    Path key = folder.toAbsolutePath().normalize();
    if (HELD.get(key) == Thread.currentThread()) {
      return new FolderLock(key, null, null);
    }
    Path file = folder.resolve("lock");
    FileChannel ch = null;
    try {
      Files.createDirectories(folder);
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this process
      }
      if (lock == null) {
        String who = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        ch.close();
        throw GraftException.failure("%s is in use by another run (%s); wait for it to finish or"
            + " write elsewhere", folder, who.isEmpty() ? "holder unknown" : who);
      }
      String me = "pid " + AtomicFiles.currentPid() + ", " + holder + ", since "
          + Instant.now().truncatedTo(ChronoUnit.SECONDS);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
      HELD.put(key, Thread.currentThread());
      return new FolderLock(key, ch, lock);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // reported below
        }
      }
      throw GraftException.failure("cannot lock %s: %s", folder, e.getMessage());
    }
  }

  @Override
  public void close() {
    if (channel == null) {
      return; // an inner hold of the same thread
    }
    HELD.remove(folder);
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the channel or the process
    }
  }
}
