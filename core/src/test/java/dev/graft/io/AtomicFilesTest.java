package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
  void aWriteReplacesTheWholeFileCreatesItsFolderAndLeavesNoTemporary() throws Exception {
    Path target = tmp.resolve("out/sub/report.json");
    AtomicFiles.writeString(target, "a much longer first version of the file");
    AtomicFiles.writeString(target, "short");
    assertEquals("short", Files.readString(target));
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"),
        Files.getPosixFilePermissions(target), "read like any other output");
    try (var s = Files.list(target.getParent())) {
      assertEquals(List.of(target), s.toList());
    }
  }

  @Test
  void aWriterThatFailsLeavesThePreviousFileAndNoTemporary() throws Exception {
    Path target = Files.writeString(tmp.resolve("model.onnx"), "previous");
    GraftException e = assertThrows(GraftException.class, () -> AtomicFiles.write(target, out -> {
      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    }));
    assertEquals(1, e.exitStatus());
    assertTrue(e.getMessage().startsWith("cannot write " + target + ": disk full"),
        e.getMessage());
    assertEquals("previous", Files.readString(target));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "the temporary file is removed");
    }
  }

  @Test
  void anOutputThatIsAnInputByPathOrLinkIsRefused() throws Exception {
    Path model = Files.writeString(tmp.resolve("model.onnx"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link.onnx"), model);
    for (Path out : List.of(model, tmp.resolve("sub/../model.onnx"), link)) {
      GraftException e = assertThrows(GraftException.class,
          () -> AtomicFiles.refuseInputs(out, List.of(tmp.resolve("data.npy"), model), "-o"));
      assertEquals(2, e.exitStatus(), out.toString());
      assertTrue(e.getMessage().startsWith("-o " + out + " is also an input of this run"),
          e.getMessage());
    }
    AtomicFiles.refuseInputs(tmp.resolve("small.onnx"), List.of(model), "-o");
  }

  @Test
  void aMissingOrFolderInputIsBadInputNamingIt() throws Exception {
    GraftException missing = assertThrows(GraftException.class,
        () -> AtomicFiles.readInput(tmp.resolve("none.onnx"), "model file"));
    assertEquals(2, missing.exitStatus());
    assertEquals("model file not found: " + tmp.resolve("none.onnx"), missing.getMessage());
    GraftException folder = assertThrows(GraftException.class,
        () -> AtomicFiles.readInput(tmp, "model file"));
    assertEquals(2, folder.exitStatus());
    assertTrue(folder.getMessage().startsWith("model file is a directory"), folder.getMessage());
    Path p = Files.write(tmp.resolve("m.onnx"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, AtomicFiles.readInput(p, "model file"));
  }
}
