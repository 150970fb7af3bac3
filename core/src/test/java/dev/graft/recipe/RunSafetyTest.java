package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.io.FolderLock;
import dev.graft.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run never writes over its inputs, never shares its folder, never trusts a swapped cache. */
class RunSafetyTest {
  @TempDir Path tmp;

  private Recipe thinRecipe(Path teacher, String export) {
    return Recipe.builder()
        .teacher(teacher)
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Thin("blocks.0.0", 0.5, 8, false, new Origin("r.graft.kts", 3)))
        .step(new Step.ExportOnnx(Path.of(export), new Origin("r.graft.kts", 4)))
        .build();
  }

  @Test
  void anExportNamedLikeItsTeacherIsRefusedBeforeAnyWork() throws Exception {
    Path teacher = tmp.resolve("teacher.onnx");
    Files.copy(Fixtures.model("deep_mlp.onnx"), teacher);
    byte[] before = Files.readAllBytes(teacher);
    GraftException e = assertThrows(GraftException.class, () -> RecipeRunner.run(
        thinRecipe(Path.of("teacher.onnx"), "teacher.onnx"), RecipeRunner.Options.in(tmp, tmp)));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().startsWith("r.graft.kts:4: export "), e.getMessage());
    assertTrue(e.getMessage().contains("is also an input of this run"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(teacher));
    assertFalse(Files.exists(tmp.resolve(".graft-cache").resolve("capture")));
  }

  @Test
  void anExportThatIsTheCalibrationDataThroughALinkIsRefused() throws Exception {
    Path data = tmp.resolve("x.npy");
    Files.copy(Fixtures.digits("train_x_flat.npy"), data);
    Files.createSymbolicLink(tmp.resolve("out.onnx"), data);
    Recipe r = Recipe.builder().teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of("x.npy"), 0.2)
        .step(new Step.Thin("blocks.0.0", 0.5, 8, false, Origin.UNKNOWN))
        .step(new Step.ExportOnnx(Path.of("out.onnx"), Origin.UNKNOWN)).build();
    GraftException e = assertThrows(GraftException.class,
        () -> RecipeRunner.run(r, RecipeRunner.Options.in(tmp, tmp)));
    assertTrue(e.getMessage().contains("is also an input of this run"), e.getMessage());
  }

  @Test
  void aSecondRunIntoAFolderInUseFailsNamingTheHolder() throws Exception {
    Path out = tmp.resolve("out");
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Thread first = new Thread(() -> { // another run, on its own thread
      try (FolderLock lock = FolderLock.acquire(out.resolve(".graft-cache"), "the first run")) {
        held.countDown();
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    first.start();
    held.await();
    try {
      GraftException e = assertThrows(GraftException.class, () -> RecipeRunner.run(
          thinRecipe(Fixtures.model("deep_mlp.onnx"), "m.onnx"), RecipeRunner.Options.in(tmp, out)));
      assertEquals(1, e.exitStatus());
      assertTrue(e.getMessage().contains("is in use by another run (pid "
          + ProcessHandle.current().pid() + ", the first run, since "), e.getMessage());
      assertFalse(Files.exists(out.resolve("m.onnx")));
    } finally {
      done.countDown();
      first.join();
    }
    RecipeRunner.run(thinRecipe(Fixtures.model("deep_mlp.onnx"), "m.onnx"),
        RecipeRunner.Options.in(tmp, out));
    assertTrue(Files.exists(out.resolve("m.onnx")));
  }

  @Test
  void aCacheEntrySwappedForAnotherValidModelIsRedone() throws Exception {
    Path out = tmp.resolve("out");
    Recipe recipe = thinRecipe(Fixtures.model("deep_mlp.onnx"), "m.onnx");
    RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, out));
    byte[] expected = Files.readAllBytes(out.resolve("m.onnx"));
    Path cache = out.resolve(".graft-cache");
    List<Path> entries;
    try (var s = Files.list(cache)) {
      entries = s.filter(p -> p.toString().endsWith(".onnx")).toList();
    }
    assertEquals(1, entries.size());
    Files.copy(Fixtures.model("deep_mlp.onnx"), entries.get(0),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    RunResult again = RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, out));
    assertEquals(false, again.report().timings().steps().get(0).cached(),
        "the swapped entry is not trusted");
    assertArrayEquals(expected, Files.readAllBytes(out.resolve("m.onnx")));
    RunResult third = RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, out));
    assertEquals(true, third.report().timings().steps().get(0).cached(),
        "the redone entry is used again");
  }

  @Test
  void aTwoStepRecipeWorksInEitherOrderOfItsRegions() {
    for (String[] order : new String[][] {{"blocks.0", "blocks.1", "blocks.3", "blocks.4"},
        {"blocks.3", "blocks.4", "blocks.0", "blocks.1"}}) {
      Recipe r = Recipe.builder().teacher(Fixtures.model("transformer_encoder.onnx"))
          .calibration(List.of(Fixtures.digits("train_x_tokens.npy").toString()), 0.2)
          .step(new Step.Replace(order[0], order[1], new dev.graft.replace.StudentSpec.Skip(), 0,
              new Origin("r.graft.kts", 4)))
          .step(new Step.Replace(order[2], order[3], new dev.graft.replace.StudentSpec.Skip(), 0,
              new Origin("r.graft.kts", 5)))
          .build();
      RunResult result = RecipeRunner.run(r,
          RecipeRunner.Options.in(tmp, tmp.resolve("o")).withCacheDir(null));
      assertEquals(2, result.report().regions().size());
    }
  }
}
