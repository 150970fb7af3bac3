package dev.graft.train;

import dev.graft.graph.Attribute;
import dev.graft.graph.Op;
import java.util.List;
import java.util.Locale;

/**
 * What training minimizes between the student's output {@code y} and the target {@code t}.
 *
 * <ul>
 *   <li>{@link #MSE}: mean squared error over every element (fitting a region's activations);
 *   <li>{@link #KL}: for logits over the last axis (a classifier's output), the mean over rows of
 *       KL(softmax(t) ‖ softmax(y)), whose gradient is {@code (softmax(y) − softmax(t)) / rows}.
 *       The same loss is the cross-entropy against the teacher's probabilities up to the
 *       teacher's entropy, a constant.
 *   <li>{@link #roles}: one term per model output over a target that holds several outputs'
 *       values side by side per sample ({@link RoleLoss}): KL on classes, cross-entropy against
 *       the teacher's probabilities on scores, L1 on boxes masked to the teacher's positive
 *       anchors, MSE on the rest; the loss is the sum of the terms.
 * </ul>
 *
 * <p>Held-out figures a {@link Trainer} reports follow the loss: with {@link #KL} an epoch's
 * "held-out MSE" is the summed KL per target element and its "relative MSE" the mean KL per row;
 * with {@link #roles} the "relative MSE" is the summed terms' loss per sample.
 */
public final class TrainLoss {
  public static final TrainLoss MSE = new TrainLoss("MSE", null);
  public static final TrainLoss KL = new TrainLoss("KL", null);

  private final String name;
  private final RoleLoss roles;

  private TrainLoss(String name, RoleLoss roles) {
    this.name = name;
    this.roles = roles;
  }

  /** The sum of {@code terms}, each over its own span of the target's values per sample. */
  public static TrainLoss roles(List<RoleLoss.Term> terms) {
    return new TrainLoss("ROLES", new RoleLoss(terms));
  }

  /** MSE, KL or ROLES. */
  public String name() {
    return name;
  }

  /** The terms of a {@link #roles} loss; empty for MSE and KL. */
  public List<RoleLoss.Term> terms() {
    return roles == null ? List.of() : roles.terms();
  }

  /**
   * Whether the loss is a mean over rows of terms each row decides alone, so that the mean of the
   * losses (and gradients) of equal parts of a batch is the whole batch's ({@link BatchShards}):
   * all but a {@link RoleLoss.Kind#MASKED_L1} term, which divides by the positives of the batch.
   */
  boolean rowSeparable() {
    return terms().stream().noneMatch(t -> t.kind() == RoleLoss.Kind.MASKED_L1);
  }

  @Override
  public String toString() {
    return roles == null ? name : name + roles.terms();
  }

  /** The lower-case name a report gives, e.g. {@code kl}. */
  public String key() {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Emits the loss of {@code y} against {@code target} as the scalar {@code loss} and returns
   * the tensor holding {@code d loss / d y}; {@code elements} and {@code rows} count the batch's
   * target values and rows (elements / last axis).
   */
  String emit(GraphEmitter e, String y, String target, long elements, long rows) {
    Attribute keep = Attribute.of("keepdims", 0L);
    if (roles != null) {
      RoleLoss.Emitted r = roles.emit(e, y, target);
      e.opTo("loss", Op.IDENTITY, List.of(r.loss()));
      return r.gradient();
    }
    if (this == MSE) {
      String d = e.op(Op.SUB, List.of(y, target));
      e.opTo("loss", Op.REDUCE_MEAN, List.of(e.op(Op.MUL, List.of(d, d))), keep);
      // d loss / d y = 2 (y - target) / n, one node instead of differentiating the mean square
      return e.op(Op.MUL, List.of(d, e.scalar(2.0 / elements)));
    }
    String kl = klSum(e, y, target);
    e.opTo("loss", Op.MUL, List.of(kl, e.scalar(1.0 / rows)));
    Attribute last = Attribute.of("axis", -1L);
    String diff = e.op(Op.SUB, List.of(e.op(Op.SOFTMAX, List.of(y), last),
        e.op(Op.SOFTMAX, List.of(target), last)));
    return e.op(Op.MUL, List.of(diff, e.scalar(1.0 / rows)));
  }

  /**
   * Emits what a held-out score sums over batches, as tensors {@code sse} and {@code ssy}: squared
   * errors and squared targets (MSE), summed KL and rows (KL), the loss times the batch's samples
   * and those samples (roles).
   */
  void emitScore(GraphEmitter e, String y, String target) {
    Attribute keep = Attribute.of("keepdims", 0L);
    if (roles != null) {
      RoleLoss.Emitted r = roles.emit(e, y, target);
      String samples = roles.samples(e, y);
      e.opTo("sse", Op.MUL, List.of(r.loss(), samples));
      e.opTo("ssy", Op.IDENTITY, List.of(samples));
    } else if (this == KL) {
      // summed KL, and the number of rows: every row of softmax(target) sums to one
      e.opTo("sse", Op.IDENTITY, List.of(klSum(e, y, target)));
      e.opTo("ssy", Op.REDUCE_SUM, List.of(e.op(Op.SOFTMAX, List.of(target),
          Attribute.of("axis", -1L))), keep);
    } else {
      String d = e.op(Op.SUB, List.of(y, target));
      e.opTo("sse", Op.REDUCE_SUM, List.of(e.op(Op.MUL, List.of(d, d))), keep);
      e.opTo("ssy", Op.REDUCE_SUM, List.of(e.op(Op.MUL, List.of(target, target))), keep);
    }
  }

  /** Σ over rows of KL(softmax(target) ‖ softmax(y)), a scalar. */
  static String klSum(GraphEmitter e, String y, String target) {
    Attribute last = Attribute.of("axis", -1L);
    String p = e.op(Op.SOFTMAX, List.of(target), last);
    String logRatio = e.op(Op.SUB, List.of(e.op(Op.LOG_SOFTMAX, List.of(target), last),
        e.op(Op.LOG_SOFTMAX, List.of(y), last)));
    return e.op(Op.REDUCE_SUM, List.of(e.op(Op.MUL, List.of(p, logRatio))),
        Attribute.of("keepdims", 0L));
  }
}
