package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
