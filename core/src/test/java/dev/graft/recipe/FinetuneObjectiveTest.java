package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
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
  void aDetectorIsFineTunedByKlOnTheLogitsOfItsSoftmaxScoresNotOnItsFirstOutput() {
    Graph det = OnnxReader.read(Fixtures.root().resolve("modern/detector_b1.onnx"));
    assertEquals(new FinetuneObjective("/Reshape_1_output_0", TrainLoss.KL, "scores"),
        FinetuneObjective.of(det, OutputRoles.inferred(det)));
    Graph uf = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    assertEquals(new FinetuneObjective("374", TrainLoss.KL, "scores"),
        FinetuneObjective.of(uf, OutputRoles.inferred(uf)));
  }

  @Test
  void withoutClassesOrScoresTheFirstOutputIsMatchedByMse() {
    Graph det = OnnxReader.read(Fixtures.root().resolve("modern/detector_b1.onnx"));
    OutputRoles plain = OutputRoles.of(det, List.of(OutputRole.parse("scores=regression"),
        OutputRole.parse("boxes=regression")));
    assertEquals(new FinetuneObjective("boxes", TrainLoss.MSE, "boxes"),
        FinetuneObjective.of(det, plain));
  }
}
