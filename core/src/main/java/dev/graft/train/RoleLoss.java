package dev.graft.train;

import dev.graft.graph.Attribute;
import dev.graft.graph.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * A loss over several model outputs at once, each by what it means. The target (and the
 * student's output) holds, per sample, the values of every term's tensor flattened and placed end
 * to end in the terms' order; each term reads its span as rows of {@code last} values:
 *
 * <ul>
 *   <li>{@link Kind#KL} (classes, softmax scores, as logits): mean over rows of
 *       KL(softmax(t) ‖ softmax(y)), the cross-entropy against the teacher's probabilities less
 *       their entropy; gradient {@code (softmax(y) − softmax(t)) / rows};
 *   <li>{@link Kind#BINARY_KL} (sigmoid scores, as logits): mean over elements of the binary KL
 *       of σ(t) to σ(y), the binary cross-entropy less the teacher's entropy; gradient
 *       {@code (σ(y) − σ(t)) / elements};
 *   <li>{@link Kind#MASKED_L1} (boxes): mean absolute error over the coordinates of the anchors
 *       (rows) where the teacher's paired scores term decides positive: a non-background class
 *       (or, without one, any value) whose probability is above {@code threshold}; gradient
 *       {@code sign(y − t) · mask / coordinates}; 0 when no anchor is positive;
 *   <li>{@link Kind#MSE} (anything else): mean squared error, gradient {@code 2 (y − t) / n}.
 * </ul>
 *
 * The loss is the sum of the terms' means. Counts are taken in the graph from the tensors, so
 * the same emission serves the training steps (batch bound) and held-out scoring (batch free).
 */
public final class RoleLoss {
  /** What a term computes. */
  public enum Kind {
    KL,
    BINARY_KL,
    MASKED_L1,
    MSE
  }

  /**
   * One term: {@code size} values per sample in rows of {@code last}; a {@link Kind#MASKED_L1}
   * term reads its mask from term {@code paired} (an index into the terms, of KL or BINARY_KL
   * kind), its decisions at {@code threshold}, class {@code background} not a decision (−1: none).
   */
  public record Term(Kind kind, long size, long last, int paired, double threshold,
      int background) {
    public Term {
      if (size <= 0 || last <= 0 || size % last != 0) {
        throw new IllegalArgumentException("term of " + size + " values in rows of " + last);
      }
    }

    public static Term of(Kind kind, long size, long last) {
      return new Term(kind, size, last, -1, Double.NaN, -1);
    }

    /** Boxes in rows of {@code last} masked by the decisions of term {@code paired}. */
    public static Term masked(long size, long last, int paired, double threshold,
        int background) {
      return new Term(Kind.MASKED_L1, size, last, paired, threshold, background);
    }
  }

  /** The scalar loss and the gradient with respect to the student's output. */
  record Emitted(String loss, String gradient) {}

  private final List<Term> terms;

  RoleLoss(List<Term> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a role loss needs at least one term");
    }
    for (Term t : terms) {
      if (t.kind() == Kind.MASKED_L1 && (t.paired() < 0 || t.paired() >= terms.size()
          || terms.get(t.paired()).kind() == Kind.MASKED_L1
          || terms.get(t.paired()).kind() == Kind.MSE
          || terms.get(t.paired()).size() / terms.get(t.paired()).last() != t.size() / t.last())) {
        throw new IllegalArgumentException("masked term " + t + " needs a scores term of as many"
            + " rows");
      }
    }
    this.terms = List.copyOf(terms);
  }

  List<Term> terms() {
    return terms;
  }

  /** Emits the loss and its gradient for {@code y} and {@code target}, both [batch, Σ size]. */
  Emitted emit(GraphEmitter e, String y, String target) {
    long[] sizes = terms.stream().mapToLong(Term::size).toArray();
    List<String> ys = TrainingGraph.split(e, e.builder().opset(), y, sizes, 1);
    List<String> ts = TrainingGraph.split(e, e.builder().opset(), target, sizes, 1);
    List<String> rowsY = new ArrayList<>();
    List<String> rowsT = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      String shape = e.longs(0, -1, terms.get(i).last());
      rowsY.add(e.op(Op.RESHAPE, List.of(ys.get(i), shape)));
      rowsT.add(e.op(Op.RESHAPE, List.of(ts.get(i), shape)));
    }
    List<String> losses = new ArrayList<>();
    List<String> grads = new ArrayList<>();
    Attribute last = Attribute.of("axis", -1L);
    for (int i = 0; i < terms.size(); i++) {
      Term t = terms.get(i);
      String yi = rowsY.get(i);
      String ti = rowsT.get(i);
      String n = count(e, yi);
      String loss;
      String grad;
      switch (t.kind()) {
        case KL: {
          String rows = e.op(Op.DIV, List.of(n, e.scalar(t.last())));
          loss = e.op(Op.DIV, List.of(TrainLoss.klSum(e, yi, ti), rows));
          grad = e.op(Op.DIV, List.of(e.op(Op.SUB, List.of(e.op(Op.SOFTMAX, List.of(yi), last),
              e.op(Op.SOFTMAX, List.of(ti), last))), rows));
          break;
        }
        case BINARY_KL: {
          String p = e.op(Op.SIGMOID, List.of(ti));
          String q = e.op(Op.SIGMOID, List.of(yi));
          String one = e.scalar(1);
          String pc = e.op(Op.SUB, List.of(one, p));
          String qc = e.op(Op.SUB, List.of(one, q));
          String pos = e.op(Op.MUL, List.of(p, e.op(Op.SUB, List.of(safeLog(e, p),
              safeLog(e, q)))));
          String neg = e.op(Op.MUL, List.of(pc, e.op(Op.SUB, List.of(safeLog(e, pc),
              safeLog(e, qc)))));
          loss = e.op(Op.DIV, List.of(sum(e, e.op(Op.ADD, List.of(pos, neg))), n));
          grad = e.op(Op.DIV, List.of(e.op(Op.SUB, List.of(q, p)), n));
          break;
        }
        case MASKED_L1: {
          String mask = positives(e, terms.get(t.paired()), rowsT.get(t.paired()), t);
          String d = e.op(Op.SUB, List.of(yi, ti));
          String coords = e.op(Op.MAX, List.of(e.op(Op.MUL, List.of(sum(e, mask),
              e.scalar(t.last()))), e.scalar(1)));
          loss = e.op(Op.DIV, List.of(sum(e, e.op(Op.MUL, List.of(e.op(Op.ABS, List.of(d)),
              mask))), coords));
          String sign = e.op(Op.SUB, List.of(isTrue(e, e.op(Op.GREATER, List.of(d,
              e.scalar(0)))), isTrue(e, e.op(Op.LESS, List.of(d, e.scalar(0))))));
          grad = e.op(Op.DIV, List.of(e.op(Op.MUL, List.of(sign, mask)), coords));
          break;
        }
        default: {
          String d = e.op(Op.SUB, List.of(yi, ti));
          loss = e.op(Op.DIV, List.of(sum(e, e.op(Op.MUL, List.of(d, d))), n));
          grad = e.op(Op.DIV, List.of(e.op(Op.MUL, List.of(d, e.scalar(2))), n));
        }
      }
      losses.add(loss);
      grads.add(e.op(Op.RESHAPE, List.of(grad, e.longs(0, -1))));
    }
    String loss = losses.size() == 1 ? losses.get(0) : e.op(Op.SUM, losses);
    String grad = grads.size() == 1 ? grads.get(0)
        : e.op(Op.CONCAT, grads, Attribute.of("axis", 1L));
    return new Emitted(loss, grad);
  }

  /** The samples of a [batch, Σ size] tensor, as a float scalar. */
  String samples(GraphEmitter e, String y) {
    long total = terms.stream().mapToLong(Term::size).sum();
    return e.op(Op.DIV, List.of(count(e, y), e.scalar(total)));
  }

  /**
   * 1 where the scores term's teacher rows decide positive, else 0: [batch, rows, 1]. Softmax
   * probabilities for {@link Kind#KL} scores (the boxes term's {@code background} class zeroed),
   * sigmoid ones for {@link Kind#BINARY_KL}; positive where the largest is above the boxes term's
   * threshold.
   */
  private static String positives(GraphEmitter e, Term scores, String logits, Term boxes) {
    String p = scores.kind() == Kind.KL
        ? e.op(Op.SOFTMAX, List.of(logits), Attribute.of("axis", -1L))
        : e.op(Op.SIGMOID, List.of(logits));
    return positives(e, p, scores.last(), boxes.threshold(), boxes.background());
  }

  private static String positives(GraphEmitter e, String p, long classes, double threshold,
      int background) {
    String decided = p;
    if (background >= 0 && background < classes) {
      double[] keep = new double[(int) classes];
      java.util.Arrays.fill(keep, 1);
      keep[background] = 0;
      decided = e.op(Op.MUL, List.of(p, e.floats(new long[] {classes}, keep)));
    }
    String best = e.op(Op.REDUCE_MAX, List.of(decided, e.longs(-1)),
        Attribute.of("keepdims", 1L));
    return isTrue(e, e.op(Op.GREATER, List.of(best, e.scalar(threshold))));
  }

  /** The element count of {@code x} as a float scalar, taken in the graph. */
  static String count(GraphEmitter e, String x) {
    String ones = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(x, e.scalar(0))), e.scalar(1)));
    return sum(e, ones);
  }

  private static String sum(GraphEmitter e, String x) {
    return e.op(Op.REDUCE_SUM, List.of(x), Attribute.of("keepdims", 0L));
  }

  private static String isTrue(GraphEmitter e, String b) {
    return e.op(Op.CAST, List.of(b), Attribute.of("to", 1L));
  }

  private static String safeLog(GraphEmitter e, String p) {
    return e.op(Op.LOG, List.of(e.op(Op.MAX, List.of(p, e.scalar(1e-12)))));
  }
}
