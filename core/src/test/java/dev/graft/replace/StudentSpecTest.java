package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;

/** Students are values: each kind has only its own sizes, checked when it is made. */
class StudentSpecTest {
  private static String refused(org.junit.jupiter.api.function.Executable make) {
    GraftException e = assertThrows(GraftException.class, make);
    assertEquals(2, e.exitStatus());
    return e.getMessage();
  }

  @Test
  void eachKindHasItsDefaults() {
    assertEquals(new StudentSpec.Mlp(256, 1, StudentSpec.Activation.RELU), StudentSpec.of("mlp"));
    assertEquals(new StudentSpec.AttentionFfn(4, 128, StudentSpec.Activation.GELU),
        StudentSpec.of("attention-ffn"));
    assertEquals(new StudentSpec.ThinConv(0.5), StudentSpec.of("thin-conv"));
    assertEquals(new StudentSpec.Linear(1e-6), StudentSpec.of("linear"));
    assertEquals(new StudentSpec.Skip(), StudentSpec.of("SKIP"));
  }

  @Test
  void commandLineSizesMapOntoTheKindThatHasThem() {
    assertEquals(new StudentSpec.Mlp(64, 2), StudentSpec.of("mlp", 64.0, 2, null, null));
    assertEquals(new StudentSpec.ThinConv(0.25), StudentSpec.of("thin-conv", 0.25, null, null,
        null));
    assertEquals(new StudentSpec.AttentionFfn(2, 32), StudentSpec.of("attention-ffn", null, null,
        2, 32));
  }

  @Test
  void refusesSizesTheKindDoesNotHave() {
    assertEquals("student mlp has no heads or ffn",
        refused(() -> StudentSpec.of("mlp", null, null, 4, 64)));
    assertEquals("student skip has no width", refused(() -> StudentSpec.of("skip", 0.5, null,
        null, null)));
  }

  @Test
  void refusesSizesOutOfRange() {
    assertEquals("student mlp: hidden 0 must be 1 to 65536", refused(() -> new StudentSpec.Mlp(0,
        1)));
    assertEquals("student mlp: depth 65 must be 1 to 64", refused(() -> new StudentSpec.Mlp(8,
        65)));
    assertEquals("student attention-ffn: heads -1 must be 1 to 65536",
        refused(() -> new StudentSpec.AttentionFfn(-1, 8)));
    assertEquals("student thin-conv: channel fraction 1.5 must be in (0, 1]",
        refused(() -> new StudentSpec.ThinConv(1.5)));
    assertEquals("student linear: ridge -1.0 must be in [0, 1)",
        refused(() -> new StudentSpec.Linear(-1)));
  }
}
