package dev.graft.train;

import dev.graft.graph.Attribute;
import dev.graft.graph.Op;
import java.util.List;

/**
 * What training minimizes between the student's output {@code y} and the target {@code t}.
 *
 * <ul>
 *   <li>{@link #MSE}: mean squared error over every element (fitting a region's activations);
 *   <li>{@link #KL}: for logits over the last axis (a classifier's output), the mean over rows of
 *       KL(softmax(t) ‖ softmax(y)), whose gradient is {@code (softmax(y) − softmax(t)) / rows}.
 *       The same loss is the cross-entropy against the teacher's probabilities up to the
 *       teacher's entropy, a constant.
 * </ul>
 *
 * <p>Held-out figures a {@link Trainer} reports follow the loss: with {@link #KL} an epoch's
 * "held-out MSE" is the summed KL per target element and its "relative MSE" the mean KL per row.
 */
public enum TrainLoss {
  MSE,
  KL;

  /**
   * Emits the loss of {@code y} against {@code target} as the scalar {@code loss} and returns
   * the tensor holding {@code d loss / d y}; {@code elements} and {@code rows} count the batch's
   * target values and rows (elements / last axis).
   */
  String emit(GraphEmitter e, String y, String target, long elements, long rows) {
    Attribute keep = Attribute.of("keepdims", 0L);
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
