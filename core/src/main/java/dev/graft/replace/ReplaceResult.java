package dev.graft.replace;

import dev.graft.graph.Graph;
import dev.graft.train.EpochStats;
import java.util.List;

/**
 * The outcome of one replacement: the spliced model, the student's kind and weight count, its
 * relative MSE (sum of squared errors over sum of squared targets, at the region's exit) on the
 * training and held-out rows with the weights finally kept, the loss curve per epoch (empty for
 * the closed-form {@code linear} and for {@code skip}), the epoch whose weights were kept,
 * training throughput in samples per second, and the wall time of fitting in seconds. With
 * fine-tuning, its loss curve (MSE of the model's first output against the teacher's) and the
 * held-out relative MSE of that output before and after it; otherwise an empty curve and NaNs.
 */
public record ReplaceResult(Graph graph, StudentSpec.Kind student, long studentParams,
    double trainRelMse, double heldOutRelMse, List<EpochStats> lossCurve, int bestEpoch,
    double samplesPerSecond, double fitSeconds, List<EpochStats> finetuneCurve,
    double finetuneStartRelMse, double finetuneHeldOutRelMse) {

  /** Whether the student was fine-tuned through the rest of the model. */
  public boolean finetuned() {
    return !finetuneCurve.isEmpty();
  }
}
