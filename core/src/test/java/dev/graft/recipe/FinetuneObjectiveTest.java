package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.train.RoleLoss;
import dev.graft.train.TrainLoss;
import dev.graft.verify.OutputRole;
import dev.graft.verify.OutputRoles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What fine-tuning matches on real models, by their outputs' roles. */
class FinetuneObjectiveTest {
  @Test
  void aClassifierIsFineTunedByKlOnItsLogits() {
    Graph cnn = OnnxReader.read(Fixtures.model("residual_cnn.onnx"));
    assertEquals(new FinetuneObjective("logits", TrainLoss.KL, "logits"),
        FinetuneObjective.of(cnn, OutputRoles.inferred(cnn)));
  }

  @Test
  void aDetectorIsFineTunedByKlOnItsScoreLogitsPlusL1OnBoxesOfPositiveAnchors() {
    Graph det = OnnxReader.read(Fixtures.root().resolve("modern/detector_b1.onnx"));
    FinetuneObjective o = FinetuneObjective.of(det, OutputRoles.inferred(det));
    assertEquals(FinetuneObjective.TARGET, o.tensor());
    assertEquals(List.of("/Reshape_1_output_0", "boxes"), o.sources());
    assertEquals(List.of(RoleLoss.Term.of(RoleLoss.Kind.KL, 96 * 11, 11),
        RoleLoss.Term.masked(96 * 4, 4, 0, 0.5, 0)), o.loss().terms());
    Graph uf = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    FinetuneObjective u = FinetuneObjective.of(uf, OutputRoles.of(uf,
        List.of(OutputRole.parse("scores=scores:threshold=0.7"))));
    assertEquals(List.of("374", "boxes"), u.sources());
    assertEquals(List.of(RoleLoss.Term.of(RoleLoss.Kind.KL, 4420 * 2, 2),
        RoleLoss.Term.masked(4420 * 4, 4, 0, 0.7, 0)), u.loss().terms());
  }

  @Test
  void theAugmentedModelGivesTheTermsSideBySideAndStripsBackToTheModel() {
    Graph det = OnnxReader.read(Fixtures.root().resolve("modern/detector_b1.onnx"));
    FinetuneObjective o = FinetuneObjective.of(det, OutputRoles.inferred(det));
    Graph aug = o.augment(det);
    assertEquals(List.of("boxes", "scores", FinetuneObjective.TARGET), aug.outputNames());
    assertEquals("[1, 1440]", aug.outputs().get(2).shape().toString());
    Graph back = FinetuneObjective.strip(aug);
    assertEquals(det.outputNames(), back.outputNames());
    assertEquals(det.nodes().size(), back.nodes().size());
    assertEquals(det.initializers().keySet(), back.initializers().keySet());
  }

  @Test
  void withoutClassesOrScoresEveryOutputIsMatchedByMse() {
    Graph det = OnnxReader.read(Fixtures.root().resolve("modern/detector_b1.onnx"));
    OutputRoles plain = OutputRoles.of(det, List.of(OutputRole.parse("scores=regression"),
        OutputRole.parse("boxes=regression")));
    assertEquals(List.of(RoleLoss.Term.of(RoleLoss.Kind.MSE, 96 * 4, 4),
        RoleLoss.Term.of(RoleLoss.Kind.MSE, 96 * 11, 11)),
        FinetuneObjective.of(det, plain).loss().terms());
  }
}
