package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void aWriteRemovesTheTemporaryFileAKilledProcessLeftForTheSameTarget() throws Exception {
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path stale = Files.writeString(tmp.resolve(".model.onnx.999999999.4242.tmp"), "half");
    Path busy = Files.writeString(tmp.resolve(".model.onnx." + live + ".4242.tmp"), "busy");
    Path other = Files.writeString(tmp.resolve(".other.onnx.999999999.1.tmp"), "x");
    AtomicFiles.writeString(tmp.resolve("model.onnx"), "whole");
    assertFalse(Files.exists(stale), "a dead writer's temporary is removed");
    assertTrue(Files.exists(busy), "a live writer's temporary is kept");
    assertTrue(Files.exists(other), "another target's temporary is left to its own writes");
    assertEquals("whole", Files.readString(tmp.resolve("model.onnx")));
    try (var s = Files.list(tmp)) {
      assertEquals(3, s.count());
    }
  }

  @Test
  void registeredTemporariesAreDeletedWithWhatTheyHold() throws Exception {
    Path dir = Temporaries.folder("graft-test");
    Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("b.bin"), "x");
    Temporaries.delete(dir);
    assertFalse(Files.exists(dir));
  }

  @Test
  void aWriteReplacesTheTargetWholeAndFlushesItsFolder() throws Exception {
    Path target = tmp.resolve("out/model.onnx");
    AtomicFiles.writeString(target, "old");
    AtomicFiles.write(target, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertTrue(AtomicFiles.syncFolder(target.getParent()), "Linux flushes a folder's entries");
    try (var s = Files.list(target.getParent())) {
      assertEquals(1, s.count(), "no temporary file is left");
    }
  }

  @Test
  void aWriteThatFailsHalfWayLeavesTheOldFileAndNoTemporary() throws Exception {
    Path target = tmp.resolve("report.json");
    AtomicFiles.writeString(target, "{\"old\": 1}");
    GraftException e = assertThrows(GraftException.class, () -> AtomicFiles.write(target, out -> {
      out.write(new byte[100_000]);
      throw new IOException("disk full");
    }));
    assertEquals(GraftException.Kind.FAILURE, e.kind());
    assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    assertEquals("{\"old\": 1}", Files.readString(target));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "the half-written temporary is deleted");
    }
  }

  @Test
  void anOutputThatIsAnInputIsRefusedByPathAndThroughALink() throws Exception {
    Path data = Files.writeString(tmp.resolve("x.npy"), "data");
    Path link = Files.createSymbolicLink(tmp.resolve("link.npy"), data);
    GraftException e = assertThrows(GraftException.class,
        () -> AtomicFiles.refuseInputs(link, java.util.List.of(data), "-o"));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertThrows(GraftException.class,
        () -> AtomicFiles.refuseInputs(tmp.resolve("./x.npy"), java.util.List.of(data), "-o"));
    AtomicFiles.refuseInputs(tmp.resolve("y.npy"), java.util.List.of(data), "-o");
  }

  @Test
  void theFileAWriteLeavesIsReadableByAllAndItsFolderIsMade() throws Exception {
    Path target = tmp.resolve("a/b/report.json");
    AtomicFiles.writeString(target, "a much longer first version of the file");
    AtomicFiles.writeString(target, "short");
    assertEquals("short", Files.readString(target));
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"),
        Files.getPosixFilePermissions(target), "read like any other output");
  }

  @Test
  void aMissingOrFolderInputIsBadInputNamingIt() throws Exception {
    GraftException missing = assertThrows(GraftException.class,
        () -> AtomicFiles.readInput(tmp.resolve("none.onnx"), "model file"));
    assertEquals(GraftException.Kind.BAD_INPUT, missing.kind());
    assertEquals("model file not found: " + tmp.resolve("none.onnx"), missing.getMessage());
    GraftException folder = assertThrows(GraftException.class,
        () -> AtomicFiles.readInput(tmp, "model file"));
    assertEquals(GraftException.Kind.BAD_INPUT, folder.kind());
    assertTrue(folder.getMessage().startsWith("model file is a directory"), folder.getMessage());
    Path p = Files.write(tmp.resolve("m.onnx"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, AtomicFiles.readInput(p, "model file"));
  }
}
