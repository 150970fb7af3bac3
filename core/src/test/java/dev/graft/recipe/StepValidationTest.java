package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import dev.graft.replace.StudentSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every step checks its values where it is made, and names the recipe line. */
class StepValidationTest {
  private static final Origin AT = new Origin("r.graft.kts", 7);

  private static String refused(Executable make) {
    GraftException e = assertThrows(GraftException.class, make);
    assertEquals(2, e.exitStatus(), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void refusesAnInputBoxWithOnlyLo() {
    assertEquals("r.graft.kts:7: an input box needs both lo and hi, got lo 0.0 and hi null",
        refused(() -> Recipe.builder().step(new Step.Simplify(0.0, null, AT))));
  }

  @Test
  void refusesAnInputBoxUpsideDownOrNotFinite() {
    assertEquals("r.graft.kts:7: input box lo 1.0, hi 0.0: both must be finite and lo at most hi",
        refused(() -> new Step.Simplify(1.0, 0.0, AT)));
    refused(() -> new Step.Simplify(Double.NEGATIVE_INFINITY, 0.0, AT));
  }

  @Test
  void refusesNegativeEpochs() {
    assertEquals("r.graft.kts:7: epochs -3 and fine-tuning epochs 0 must be 0 to 10000",
        refused(() -> new Step.Replace("blocks.1", "blocks.2", new StudentSpec.Linear(), -3,
            0, List.of(), AT)));
  }

  @Test
  void refusesAThinMultipleOfZero() {
    assertEquals("r.graft.kts:7: thin multiple 0 must be 1 to 1024 (channel counts are rounded"
        + " to it)", refused(() -> new Step.Thin("stage2.*", 0.5, 0, false, AT)));
    assertEquals("r.graft.kts:7: thin keep 1.5 must be in (0, 1]",
        refused(() -> new Step.Thin("stage2.*", 1.5, 8, false, AT)));
  }

  @Test
  void refusesLowRankWithBothOrNeitherOrEnergyAboveOne() {
    String msg = "r.graft.kts:7: lowrank needs exactly one of rank (> 0) or energy (in (0, 1]), got";
    assertEquals(msg + " rank 0 and energy 0.0", refused(() -> new Step.LowRank("fc", 0, 0, true,
        AT)));
    assertEquals(msg + " rank 4 and energy 0.9", refused(() -> new Step.LowRank("fc", 4, 0.9,
        true, AT)));
    assertEquals(msg + " rank 0 and energy 1.5", refused(() -> new Step.LowRank("fc", 0, 1.5,
        true, AT)));
  }

  @Test
  void refusesEmptyLayerNamesAndMissingStudent() {
    assertEquals("r.graft.kts:7: thin layers is empty: name a layer (module path, node or tensor)",
        refused(() -> new Step.Thin(" ", 0.5, 8, false, AT)));
    assertEquals("r.graft.kts:7: replace a..b names no student",
        refused(() -> new Step.Replace("a", "b", null, 0, AT)));
  }

  @Test
  void refusesAFractionalMlpWidth() {
    assertEquals("student mlp: hidden width 0.3 must be a whole number of units from 1 to 65536 (a"
        + " channel fraction is thin-conv's)", refused(() -> StudentSpec.of("mlp", 0.3, null, null,
        null)));
  }

  @Test
  void acceptsTheBoundaries() {
    assertEquals(1, new Step.Thin("a", 1.0, 1, false, AT).multiple());
    assertEquals(1.0, new Step.LowRank("a", 0, 1.0, false, AT).energy());
    assertEquals(0.0, new Step.Simplify(0.0, 0.0, AT).hi());
    assertEquals(Path.of("m.tflite"), new Step.ExportTflite(Path.of("m.tflite"),
        dev.graft.tflite.Precision.INT8, AT).path());
  }
}
