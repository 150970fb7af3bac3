package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.replace.StudentSpec;
import dev.graft.testing.Fixtures;
import dev.graft.train.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeRunnerTest {
  @TempDir Path tmp;

  private static Recipe.Builder mlpRecipe() {
    return Recipe.builder()
        .teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Thin("blocks.0.0", 0.5, 8, false, new Origin("r.graft.kts", 3)))
        .step(new Step.Replace("blocks.2", "blocks.3",
            new StudentSpec.Mlp(64, 1), 6, new Origin("r.graft.kts", 4)));
  }

  /** Stands for a kill: stops the run in the middle of training. */
  private static final class Interrupt extends RuntimeException {}

  @Test
  void resumesAnInterruptedRunWithoutRedoingStepsAndWritesTheSameBytes() throws Exception {
    Recipe recipe = mlpRecipe().exportOnnx(Path.of("model.onnx")).build();
    Path straight = tmp.resolve("straight");
    RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, straight));
    byte[] expected = Files.readAllBytes(straight.resolve("model.onnx"));

    Path resumed = tmp.resolve("resumed");
    RunListener killer = new RunListener() {
      @Override
      public void epochDone(EpochStats stats, int epochs, double eta) {
        if (stats.epoch() == 3) {
          throw new Interrupt();
        }
      }
    };
    assertThrows(Interrupt.class, () -> RecipeRunner.run(recipe,
        RecipeRunner.Options.in(tmp, resumed).withListener(killer)));
    assertFalse(Files.exists(resumed.resolve("model.onnx")));

    RunResult second = RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, resumed));
    assertArrayEquals(expected, Files.readAllBytes(resumed.resolve("model.onnx")));
    var steps = second.report().timings().steps();
    assertEquals(true, steps.get(0).cached(), "the finished thin step is not redone");
    assertEquals(false, steps.get(1).cached());
  }

  @Test
  void refusesOverlappingRegionsNamingBothLines() {
    Recipe recipe = Recipe.builder()
        .teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Replace("blocks.1", "blocks.3", new StudentSpec.Linear(), 0,
            new Origin("r.graft.kts", 5)))
        .step(new Step.Replace("blocks.3", "blocks.4", new StudentSpec.Linear(), 0,
            new Origin("r.graft.kts", 6)))
        .build();
    GraftException e = assertThrows(GraftException.class,
        () -> RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, tmp.resolve("o"))));
    assertEquals("r.graft.kts:6: region blocks.3..blocks.4 overlaps region blocks.1..blocks.3"
        + " (r.graft.kts:5)", e.getMessage());
    assertEquals(2, e.exitStatus());
  }

  @Test
  void aStudentThatCannotFitItsRegionIsRefusedBeforeAnyStepRecords() {
    Recipe recipe = Recipe.builder()
        .teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Replace("blocks.0", "blocks.0", new StudentSpec.Mlp(16, 1), 2,
            new Origin("r.graft.kts", 3)))
        .step(new Step.Replace("blocks.2", "blocks.3",
            new StudentSpec.AttentionFfn(2, 32), 2,
            new Origin("r.graft.kts", 4)))
        .build();
    List<String> work = new java.util.ArrayList<>();
    RunListener seen = new RunListener() {
      @Override
      public void stepStarted(int index, int count, Step step) {
        work.add("step " + index);
      }

      @Override
      public void progress(String what, long done, long total) {
        work.add(what);
      }
    };
    GraftException e = assertThrows(GraftException.class, () -> RecipeRunner.run(recipe,
        RecipeRunner.Options.in(tmp, tmp.resolve("o")).withListener(seen)));
    assertTrue(e.getMessage().startsWith("r.graft.kts:4: student attention-ffn cannot replace "
        + "region blocks.2..blocks.3: needs [batch, tokens, features] tensors"), e.getMessage());
    assertEquals(2, e.exitStatus());
    assertEquals(List.of(), work, "nothing recorded or trained before the refusal");
  }

  @Test
  void unknownLayerIsReportedAtItsLineWithSuggestions() {
    Recipe recipe = Recipe.builder()
        .teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Replace("block.2", "blocks.3", new StudentSpec.Linear(), 0,
            new Origin("r.graft.kts", 7)))
        .build();
    GraftException e = assertThrows(GraftException.class,
        () -> RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, tmp.resolve("o"))));
    assertTrue(e.getMessage().startsWith("r.graft.kts:7: unknown layer 'block.2'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("blocks.2"), e.getMessage());
  }

  @Test
  void aMissedRequirementExportsNothing() {
    Recipe recipe = Recipe.builder()
        .teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Replace("blocks.1", "blocks.2", new StudentSpec.Skip(), 0,
            new Origin("r.graft.kts", 3)))
        .exportOnnx(Path.of("model.onnx"))
        .require(new Requirement(Requirement.Metric.REL_MSE, 1e-9, new Origin("r.graft.kts", 9)))
        .build();
    RunResult r = RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, tmp.resolve("o")));
    assertFalse(r.requirementsMet());
    assertTrue(r.unmetRequirements().get(0).startsWith("r.graft.kts:9: rel_mse is"),
        r.unmetRequirements().toString());
    assertFalse(Files.exists(tmp.resolve("o").resolve("model.onnx")));
  }

  @Test
  void aMissingTeacherIsBadInput() {
    Recipe recipe = Recipe.builder()
        .teacher(tmp.resolve("nope.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .simplify()
        .build();
    GraftException e = assertThrows(GraftException.class,
        () -> RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, tmp.resolve("o"))));
    assertTrue(e.getMessage().startsWith("model file not found"), e.getMessage());
  }
}
