package dev.graft.recipe;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.train.TrainLoss;
import dev.graft.verify.OutputRole;
import dev.graft.verify.OutputRoles;
import java.util.Optional;

/**
 * What {@code replace --finetune} matches, chosen by the outputs' roles: the first output that is
 * {@code classes} or softmax {@code scores}, by KL over its last axis (on its logits: a Softmax
 * that makes the output is left out, so the loss is the cross-entropy against the teacher's
 * probabilities less their entropy); failing those, the first output by MSE.
 */
record FinetuneObjective(String tensor, TrainLoss loss, String output) {

  static FinetuneObjective of(Graph model, OutputRoles roles) {
    for (OutputRole r : roles.all()) {
      boolean classes = r.kind() == OutputRole.Kind.CLASSES;
      boolean softmaxScores = r.kind() == OutputRole.Kind.SCORES && r.background() >= 0;
      if (!classes && !softmaxScores) {
        continue;
      }
      if (r.logits()) {
        return new FinetuneObjective(r.output(), TrainLoss.KL, r.output());
      }
      Optional<String> logits = softmaxInput(model, r.output());
      if (logits.isPresent()) {
        return new FinetuneObjective(logits.get(), TrainLoss.KL, r.output());
      }
    }
    String first = model.outputNames().get(0);
    return new FinetuneObjective(first, TrainLoss.MSE, first);
  }

  /** The input of the Softmax over the last axis that makes {@code output}, if one does. */
  private static Optional<String> softmaxInput(Graph model, String output) {
    Optional<Node> p = model.producer(output);
    if (p.isEmpty() || p.get().op() != Op.SOFTMAX) {
      return Optional.empty();
    }
    Attribute axis = p.get().attributes().get("axis");
    long a = axis == null ? (model.opset() >= 13 ? -1 : 1) : axis.asLong();
    long rank = model.info(output).map(v -> v.shape() == null ? -1L : (long) v.shape().rank())
        .orElse(-1L);
    boolean last = a == -1 || (rank > 0 && a == rank - 1);
    return last ? Optional.of(p.get().input(0)) : Optional.empty();
  }
}
