package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.io.DType;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.train.RoleLoss;
import dev.graft.train.TrainLoss;
import dev.graft.verify.OutputRole;
import dev.graft.verify.OutputRoles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code replace --finetune} matches, chosen by the outputs' roles. A model of one output is
 * matched on it: by KL over its last axis when it is {@code classes} or softmax {@code scores}
 * (on its logits: a Softmax that makes the output is left out, so the loss is the cross-entropy
 * against the teacher's probabilities less their entropy), else by MSE. A model of several
 * outputs is matched on all of them at once by {@link TrainLoss#roles}: KL on classes and softmax
 * scores, binary KL on sigmoid scores (both on logits), L1 on boxes masked to the anchors where
 * the teacher's paired scores are positive, MSE on the rest; the model then gets one more output,
 * {@link #TARGET}, holding those tensors side by side per sample ({@link #augment}), which the
 * result loses again ({@link #strip}).
 */
record FinetuneObjective(String tensor, TrainLoss loss, String output, List<String> sources) {
  /** The tensor a several-output objective records and matches. */
  static final String TARGET = "graft.finetune/target";

  /** One tensor matched as it is. */
  FinetuneObjective(String tensor, TrainLoss loss, String output) {
    this(tensor, loss, output, List.of(tensor));
  }

  static FinetuneObjective of(Graph model, OutputRoles roles) {
    if (model.outputNames().size() > 1) {
      return several(model, roles);
    }
    for (OutputRole r : roles.all()) {
      boolean classes = r.kind() == OutputRole.Kind.CLASSES;
      boolean softmaxScores = r.kind() == OutputRole.Kind.SCORES && r.background() >= 0;
      if (!classes && !softmaxScores) {
        continue;
      }
      if (r.logits()) {
        return new FinetuneObjective(r.output(), TrainLoss.KL, r.output());
      }
      Optional<String> logits = logitsOf(model, r.output(), Op.SOFTMAX);
      if (logits.isPresent()) {
        return new FinetuneObjective(logits.get(), TrainLoss.KL, r.output());
      }
    }
    String first = model.outputNames().get(0);
    return new FinetuneObjective(first, TrainLoss.MSE, first);
  }

  /** Whether fine-tuning reads {@link #TARGET}, which {@link #augment} adds. */
  boolean augments() {
    return tensor.equals(TARGET);
  }

  /**
   * The model with {@link #TARGET} as one more output: each term's tensor flattened per sample
   * and concatenated, in the terms' order; the model as it is for one-output objectives.
   */
  Graph augment(Graph model) {
    if (!augments()) {
      return model;
    }
    Graph shaped = ShapeInference.infer(model);
    Graph.Builder b = model.toBuilder();
    String flat = TARGET + "/flat_shape";
    b.initializer(TensorData.vector(flat, 0, -1));
    List<String> parts = new ArrayList<>();
    long size = 0;
    for (String t : sources) {
      long[] dims = sizes(shaped, t);
      size += java.util.Arrays.stream(dims).skip(1).reduce(1, (a, c) -> a * c);
      String p = TARGET + "/" + parts.size();
      b.node(Node.of(p, Op.RESHAPE, List.of(t, flat), List.of(p)));
      parts.add(p);
    }
    b.node(Node.of(TARGET, Op.CONCAT, parts, List.of(TARGET), Attribute.of("axis", 1L)));
    Dim batch = shaped.outputs().get(0).shape().dim(0);
    return b.output(new ValueInfo(TARGET, DType.FLOAT, Shape.of(List.of(batch, Dim.of(size)))))
        .build();
  }

  /** A fine-tuned model without what {@link #augment} added. */
  static Graph strip(Graph model) {
    if (!model.outputNames().contains(TARGET)) {
      return model;
    }
    List<ValueInfo> outs = new ArrayList<>(model.outputs());
    outs.removeIf(v -> v.name().equals(TARGET));
    return model.toBuilder().outputs(outs).pruneUnused().build();
  }

  /** Several outputs: one term each (scores first), over {@code sources}. */
  private static FinetuneObjective several(Graph model, OutputRoles roles) {
    Graph shaped = ShapeInference.infer(model);
    List<RoleLoss.Term> terms = new ArrayList<>();
    List<String> tensors = new ArrayList<>();
    Map<String, Integer> scoresTerm = new HashMap<>();
    List<OutputRole> all = roles.all();
    // scores first, so that boxes can name the term of their paired scores
    all.sort((a, b) -> Boolean.compare(a.kind() != OutputRole.Kind.SCORES,
        b.kind() != OutputRole.Kind.SCORES));
    for (OutputRole r : all) {
      String t = r.output();
      RoleLoss.Kind kind = RoleLoss.Kind.MSE;
      boolean softmax = r.kind() == OutputRole.Kind.CLASSES
          || (r.kind() == OutputRole.Kind.SCORES && r.background() >= 0);
      if (r.kind() == OutputRole.Kind.CLASSES || r.kind() == OutputRole.Kind.SCORES) {
        Optional<String> logits = r.logits() ? Optional.of(t)
            : logitsOf(model, t, softmax ? Op.SOFTMAX : Op.SIGMOID);
        if (logits.isPresent()) {
          t = logits.get();
          kind = softmax ? RoleLoss.Kind.KL : RoleLoss.Kind.BINARY_KL;
        }
      }
      long[] dims = sizes(shaped, t);
      long size = 1;
      for (int i = 1; i < dims.length; i++) {
        size *= dims[i];
      }
      long last = dims.length > 1 ? dims[dims.length - 1] : 1;
      Integer paired = r.kind() == OutputRole.Kind.BOXES ? scoresTerm.get(r.pairedWith()) : null;
      if (paired != null && (size / last) * terms.get(paired).last() == terms.get(paired).size()) {
        OutputRole s = roles.get(r.pairedWith());
        terms.add(RoleLoss.Term.masked(size, last, paired, s.threshold(),
            terms.get(paired).kind() == RoleLoss.Kind.KL ? s.background() : -1));
      } else {
        terms.add(RoleLoss.Term.of(kind, size, last));
      }
      if (r.kind() == OutputRole.Kind.SCORES && kind != RoleLoss.Kind.MSE) {
        scoresTerm.put(r.output(), terms.size() - 1);
      }
      tensors.add(t);
    }
    return new FinetuneObjective(TARGET, TrainLoss.roles(terms),
        String.join(", ", all.stream().map(OutputRole::output).toList()), tensors);
  }

  private static long[] sizes(Graph shaped, String tensor) {
    Shape s = shaped.info(tensor).map(ValueInfo::shape).orElse(null);
    if (s == null || s.rank() < 1) {
      throw GraftException.badInput("--finetune: the shape of %s is unknown; bind its dimensions"
          + " with --dim", tensor);
    }
    long[] out = new long[s.rank()];
    for (int i = 1; i < s.rank(); i++) {
      if (!s.dim(i).isKnown()) {
        throw GraftException.badInput("--finetune: axis %d of %s is symbolic; bind it with --dim",
            i, tensor);
      }
      out[i] = s.dim(i).value();
    }
    return out;
  }

  /** The input of the {@code op} (Softmax over the last axis, or Sigmoid) making {@code output}. */
  private static Optional<String> logitsOf(Graph model, String output, Op op) {
    Optional<Node> p = model.producer(output);
    if (p.isEmpty() || p.get().op() != op) {
      return Optional.empty();
    }
    if (op == Op.SIGMOID) {
      return Optional.of(p.get().input(0));
    }
    Attribute axis = p.get().attributes().get("axis");
    long a = axis == null ? (model.opset() >= 13 ? -1 : 1) : axis.asLong();
    long rank = model.info(output).map(v -> v.shape() == null ? -1L : (long) v.shape().rank())
        .orElse(-1L);
    boolean last = a == -1 || (rank > 0 && a == rank - 1);
    return last ? Optional.of(p.get().input(0)) : Optional.empty();
  }
}
