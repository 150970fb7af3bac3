package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporariesTest {
  @Test
  void deleting_a_tree_removes_its_links_and_leaves_what_they_point_to(@TempDir Path tmp)
      throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path kept = Files.write(outside.resolve("kept.bin"), new byte[] {1, 2, 3});
    Path tree = Files.createDirectories(tmp.resolve("tree/inner"));
    Files.write(tree.resolve("own.bin"), new byte[] {4});
    Files.createSymbolicLink(tree.resolve("linkdir"), outside);
    Files.createSymbolicLink(tree.resolve("link.bin"), kept);

    Temporaries.deleteTree(tmp.resolve("tree"));

    assertFalse(Files.exists(tmp.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isDirectory(outside));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(kept));
  }
}
