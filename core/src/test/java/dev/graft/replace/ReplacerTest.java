package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.region.Region;
import dev.graft.train.TrainOptions;
import dev.graft.train.TrainingData;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplacerTest {
  private static final TrainOptions FAST = TrainOptions.defaults().withEpochs(25)
      .withBatchSize(32).withLr(3e-3).withThreads(1).withPatience(25);

  /** Relative squared error of the spliced model's logits against the teacher's. */
  private static double logitsRelErr(Graph teacher, Graph result, NdArray input) {
    float[] a = Teachers.run(teacher, input).floats();
    float[] b = Teachers.run(result, input).floats();
    double se = 0;
    double ss = 0;
    for (int i = 0; i < a.length; i++) {
      se += (a[i] - b[i]) * (a[i] - b[i]);
      ss += a[i] * a[i];
    }
    return se / ss;
  }

  private static void assertSpliced(Graph teacher, Graph result, Region region) {
    assertEquals(teacher.inputs(), result.inputs());
    assertEquals(teacher.outputNames(), result.outputNames());
    for (String n : region.nodeNames()) {
      assertTrue(result.node(n).isEmpty(), "region node " + n + " is still there");
    }
    Set<String> read = new HashSet<>();
    for (Node n : result.nodes()) {
      read.addAll(n.inputs());
    }
    for (String init : result.initializers().keySet()) {
      assertTrue(read.contains(init), "dead initializer " + init);
    }
  }

  @Test
  void mlp_student_fits_a_residual_token_block_and_splices_in() {
    Graph teacher = Teachers.tokens(4, 8, 1);
    Region region = Teachers.tokensRegion();
    TrainingData data = Teachers.record(teacher, region, 800, 2);
    ReplaceResult r = Replacer.replace(teacher, region,
        new StudentSpec.Mlp(32, 1), data, FAST);
    assertTrue(r.heldOutRelMse() < 0.02, "held-out rel MSE " + r.heldOutRelMse());
    assertFalse(r.lossCurve().isEmpty());
    assertSpliced(teacher, r.graph(), region);
    NdArray x = NdArray.of(Teachers.gaussian(new Random(9), 16 * 32, 1.0), 16, 4, 8);
    double err = logitsRelErr(teacher, r.graph(), x);
    assertTrue(err < 0.05, "logits relative error " + err);
  }

  @Test
  void attention_ffn_student_trains_through_attention() {
    Graph teacher = Teachers.tokens(4, 8, 3);
    Region region = Teachers.tokensRegion();
    TrainingData data = Teachers.record(teacher, region, 800, 4);
    ReplaceResult r = Replacer.replace(teacher, region,
        new StudentSpec.AttentionFfn(2, 32), data, FAST);
    double start = r.lossCurve().get(0).trainMse();
    double end = r.lossCurve().get(r.lossCurve().size() - 1).trainMse();
    assertTrue(end < start / 3, "train MSE " + start + " -> " + end);
    assertTrue(r.heldOutRelMse() < 0.05, "held-out rel MSE " + r.heldOutRelMse());
    assertSpliced(teacher, r.graph(), region);
  }

  @Test
  void thin_conv_starts_from_the_teacher_and_fits_a_residual_block() {
    Graph teacher = Teachers.convs(8, 6, 1);
    Region region = Teachers.convRegion();
    TrainingData data = Teachers.record(teacher, region, 600, 2);
    ReplaceResult r = Replacer.replace(teacher, region, new StudentSpec.ThinConv(0.5), data,
        FAST.withEpochs(15));
    // 8 -> 8 conv at half the hidden channels: 8*8*9+8 + 8*8*9+8 weights.
    assertEquals(2 * (8 * 8 * 9 + 8), r.studentParams());
    assertTrue(r.heldOutRelMse() < 0.02, "held-out rel MSE " + r.heldOutRelMse());
    assertSpliced(teacher, r.graph(), region);
  }

  @Test
  void skip_student_is_the_identity() {
    Graph teacher = Teachers.tokens(4, 8, 1);
    Region region = Teachers.tokensRegion();
    TrainingData data = Teachers.record(teacher, region, 100, 2);
    ReplaceResult r = Replacer.replace(teacher, region, new StudentSpec.Skip(), data, FAST);
    assertEquals(0, r.studentParams());
    assertSpliced(teacher, r.graph(), region);
    assertTrue(r.trainRelMse() > 0 && r.trainRelMse() < 1);
  }

  @Test
  void refuses_students_that_cannot_map_the_region() {
    Graph teacher = Teachers.tokens(4, 8, 1);
    Region changing = new Region("pre", "post", 0, 5, teacher.nodes().stream()
        .map(Node::name).toList(), "input", "logits", List.of());
    TrainingData data = Teachers.record(teacher, changing, 50, 2);
    for (String kind : List.of("skip", "attention-ffn", "thin-conv")) {
      GraftException e = assertThrows(GraftException.class, () ->
          Replacer.replace(teacher, changing, StudentSpec.of(kind), data, FAST));
      assertEquals(2, e.exitStatus(), kind);
      assertTrue(e.getMessage().startsWith("student " + kind + " cannot replace region pre..post"),
          e.getMessage());
    }
    GraftException e = assertThrows(GraftException.class, () -> StudentSpec.of("conv"));
    assertTrue(e.getMessage().contains("[linear, mlp, attention-ffn, thin-conv, skip]"));
  }

  @Test
  void refuses_a_region_whose_inner_tensor_escapes() {
    Graph teacher = Teachers.tokens(4, 8, 1);
    Graph leaky = teacher.toBuilder().output(new ValueInfo("blk_r", teacher.outputs().get(0)
        .type(), null)).build();
    Region region = Teachers.tokensRegion();
    TrainingData data = Teachers.record(teacher, region, 50, 2);
    GraftException e = assertThrows(GraftException.class, () ->
        Replacer.replace(leaky, region, new StudentSpec.Linear(), data, FAST));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("blk_r"), e.getMessage());
  }
}
