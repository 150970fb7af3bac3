package dev.graft.verify;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures a model's outputs against a reference's (the teacher, or ONNX Runtime for a converted
 * file) by each output's {@link OutputRole}. Every metric is a plain function of the two arrays;
 * see {@link OutputRole} for what each role reports.
 *
 * <pre>{@code
 * List<RoleMetrics.Result> r = RoleMetrics.measure(roles, studentOutputs, teacherOutputs, labels);
 * double recall = r.get(0).value("recall");
 * }</pre>
 */
public final class RoleMetrics {
  private RoleMetrics() {}

  /** One output's metrics, by name in a fixed order. */
  public record Result(OutputRole role, Map<String, Double> values) {
    public double value(String metric) {
      Double v = values.get(metric);
      if (v == null) {
        throw GraftException.badInput("output %s (%s) has no metric %s; it has %s",
            role.output(), role.kind().key(), metric, String.join(", ", values.keySet()));
      }
      return v;
    }

    /** The metric a verification bounds. */
    public double primary() {
      return value(role.kind().primary());
    }
  }

  /** The metrics a role reports ({@code accuracy} of classes only with labels). */
  public static List<String> keys(OutputRole.Kind kind) {
    return switch (kind) {
      case CLASSES -> List.of("top1_agreement", "kl", "accuracy", "teacher_accuracy");
      case SCORES -> List.of("precision", "recall", "f1", "positives_teacher", "positives_result",
          "decision_agreement");
      case BOXES -> List.of("mean_abs_err", "max_abs_err", "anchors");
      case EMBEDDING -> List.of("mean_cosine", "min_cosine");
      case REGRESSION -> List.of("rel_err", "max_abs_err");
    };
  }

  /**
   * Every output of {@code roles} measured on {@code result} against {@code reference} (arrays by
   * output name, batch axis first); {@code labels} (may be null) give classes accuracy.
   */
  public static List<Result> measure(OutputRoles roles, Map<String, NdArray> result,
      Map<String, NdArray> reference, long[] labels) {
    return measure(roles, result, reference, labels, Map.of());
  }

  /**
   * As above, with the {@link TieTolerance} of each classes output (by name; {@link
   * TieTolerance#EXACT} for outputs not named): the resolution of the result's precision.
   */
  public static List<Result> measure(OutputRoles roles, Map<String, NdArray> result,
      Map<String, NdArray> reference, long[] labels, Map<String, TieTolerance> ties) {
    List<Result> out = new ArrayList<>();
    for (OutputRole role : roles.all()) {
      NdArray y = result.get(role.output());
      NdArray r = reference.get(role.output());
      if (y == null || r == null) {
        throw GraftException.failure("output %s is missing from %s", role.output(),
            y == null ? "the result" : "the reference");
      }
      if (y.size() != r.size()) {
        throw GraftException.badInput("output %s has %d values, the reference's %d",
            role.output(), y.size(), r.size());
      }
      float[] yv = y.asFloats();
      float[] rv = r.asFloats();
      int last = r.rank() == 0 ? 1 : (int) Math.max(1, r.shape()[r.rank() - 1]);
      Map<String, Double> m = switch (role.kind()) {
        case CLASSES -> classes(yv, rv, last, role.logits(), labels,
            ties.getOrDefault(role.output(), TieTolerance.EXACT));
        case SCORES -> scores(yv, rv, last, role);
        case BOXES -> {
          OutputRole paired = roles.get(role.pairedWith());
          NdArray ps = reference.get(paired.output());
          int pl = ps.rank() == 0 ? 1 : (int) Math.max(1, ps.shape()[ps.rank() - 1]);
          boolean[] mask = anchors(ps.asFloats(), pl, paired);
          yield boxes(yv, rv, mask);
        }
        case EMBEDDING -> embedding(yv, rv, last);
        case REGRESSION -> regression(yv, rv);
      };
      out.add(new Result(role, m));
    }
    return out;
  }

  /** {@link #classes(float[], float[], int, boolean, long[], TieTolerance)}, exact ties only. */
  static Map<String, Double> classes(float[] y, float[] r, int c, boolean logits, long[] labels) {
    return classes(y, r, c, logits, labels, TieTolerance.EXACT);
  }

  /**
   * Classes over rows of the last axis ({@code c} values; a [batch, sequence, vocab] output has a
   * row per position): {@code top1_agreement} over the rows whose reference top-1/top-2 margin is
   * past {@code ties} (1 when every row is a near-tie), {@code top1_agreement_raw} over all rows,
   * {@code near_ties} (rows within the tolerance) and {@code tie_tolerance} (its largest value);
   * mean KL(reference ‖ result) per row; accuracy and the reference's accuracy with one label per
   * row.
   */
  static Map<String, Double> classes(float[] y, float[] r, int c, boolean logits, long[] labels,
      TieTolerance ties) {
    int rows = y.length / c;
    long agree = 0;
    long decided = 0;
    long decidedAgree = 0;
    double tolerance = 0;
    double kl = 0;
    long hit = 0;
    long refHit = 0;
    boolean labelled = labels != null && labels.length == rows;
    for (int i = 0; i < rows; i++) {
      int off = i * c;
      int ay = Metrics.argmax(y, off, c);
      int ar = Metrics.argmax(r, off, c);
      agree += ay == ar ? 1 : 0;
      if (!ties.nearTie(r, off, c)) {
        decided++;
        decidedAgree += ay == ar ? 1 : 0;
      }
      double mag = 0;
      for (int k = off; k < off + c; k++) {
        mag = Math.max(mag, Math.abs(r[k]));
      }
      tolerance = Math.max(tolerance, ties.at(mag));
      double[] p = probabilities(r, off, c, logits);
      double[] q = probabilities(y, off, c, logits);
      for (int k = 0; k < c; k++) {
        if (p[k] > 0) {
          kl += p[k] * Math.log(p[k] / Math.max(q[k], 1e-12));
        }
      }
      if (labelled) {
        hit += ay == labels[i] ? 1 : 0;
        refHit += ar == labels[i] ? 1 : 0;
      }
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1_agreement", decided == 0 ? (rows == 0 ? 0 : 1) : (double) decidedAgree / decided);
    m.put("top1_agreement_raw", rows == 0 ? 0 : (double) agree / rows);
    m.put("near_ties", (double) (rows - decided));
    m.put("tie_tolerance", tolerance);
    m.put("kl", rows == 0 ? 0 : kl / rows);
    if (labelled) {
      m.put("accuracy", rows == 0 ? 0 : (double) hit / rows);
      m.put("teacher_accuracy", rows == 0 ? 0 : (double) refHit / rows);
    }
    m.put("rows", (double) rows);
    return m;
  }

  /** Softmax of logits, or the probabilities as given (normalized to sum 1). */
  static double[] probabilities(float[] v, int off, int c, boolean logits) {
    double[] p = new double[c];
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      max = Math.max(max, v[off + k]);
    }
    for (int k = 0; k < c; k++) {
      p[k] = logits ? Math.exp(v[off + k] - max) : Math.max(v[off + k], 0);
      sum += p[k];
    }
    for (int k = 0; k < c; k++) {
      p[k] = sum > 0 ? p[k] / sum : 1.0 / c;
    }
    return p;
  }

  /** The positive decisions of scores: one per row and non-background class, or per element. */
  static boolean[] decisions(float[] v, int last, OutputRole role) {
    boolean softmax = role.background() >= 0 && last >= 2;
    if (!softmax) {
      boolean[] d = new boolean[v.length];
      for (int i = 0; i < v.length; i++) {
        double p = role.logits() ? 1 / (1 + Math.exp(-v[i])) : v[i];
        d[i] = p > role.threshold();
      }
      return d;
    }
    int rows = v.length / last;
    boolean[] d = new boolean[rows * (last - 1)];
    for (int i = 0; i < rows; i++) {
      double[] p = role.logits() ? probabilities(v, i * last, last, true) : null;
      int j = 0;
      for (int k = 0; k < last; k++) {
        if (k != role.background()) {
          double pk = p != null ? p[k] : v[i * last + k];
          d[i * (last - 1) + j++] = pk > role.threshold();
        }
      }
    }
    return d;
  }

  /** Anchors (rows of the scores' last axis) where any decision is positive. */
  static boolean[] anchors(float[] scores, int last, OutputRole role) {
    boolean[] d = decisions(scores, last, role);
    int rows = scores.length / last;
    int per = d.length / rows;
    boolean[] a = new boolean[rows];
    for (int i = 0; i < d.length; i++) {
      a[i / per] |= d[i];
    }
    return a;
  }

  /** Precision, recall and F1 of the result's decisions against the reference's. */
  static Map<String, Double> scores(float[] y, float[] r, int last, OutputRole role) {
    boolean[] dy = decisions(y, last, role);
    boolean[] dr = decisions(r, last, role);
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long same = 0;
    for (int i = 0; i < dy.length; i++) {
      tp += dy[i] && dr[i] ? 1 : 0;
      fp += dy[i] && !dr[i] ? 1 : 0;
      fn += !dy[i] && dr[i] ? 1 : 0;
      same += dy[i] == dr[i] ? 1 : 0;
    }
    double precision = tp + fp == 0 ? 1 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 1 : (double) tp / (tp + fn);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    m.put("positives_teacher", (double) (tp + fn));
    m.put("positives_result", (double) (tp + fp));
    m.put("decision_agreement", dy.length == 0 ? 1 : (double) same / dy.length);
    m.put("threshold", role.threshold());
    return m;
  }

  /** Mean and max absolute error over the coordinates of the anchors {@code mask} marks. */
  static Map<String, Double> boxes(float[] y, float[] r, boolean[] mask) {
    if (y.length % mask.length != 0) {
      throw GraftException.badInput("boxes have %d values, not a multiple of the %d anchors of"
          + " their scores", y.length, mask.length);
    }
    int k = y.length / mask.length;
    double sum = 0;
    double max = 0;
    long anchors = 0;
    for (int a = 0; a < mask.length; a++) {
      if (!mask[a]) {
        continue;
      }
      anchors++;
      for (int j = a * k; j < a * k + k; j++) {
        double d = Math.abs((double) y[j] - r[j]);
        sum += d;
        max = Math.max(max, d);
      }
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mean_abs_err", anchors == 0 ? 0 : sum / (anchors * k));
    m.put("max_abs_err", max);
    m.put("anchors", (double) anchors);
    return m;
  }

  /** Mean and least cosine similarity of rows of {@code d} values. */
  static Map<String, Double> embedding(float[] y, float[] r, int d) {
    int rows = y.length / d;
    double sum = 0;
    double min = 1;
    for (int i = 0; i < rows; i++) {
      double dot = 0;
      double ny = 0;
      double nr = 0;
      for (int j = i * d; j < i * d + d; j++) {
        dot += (double) y[j] * r[j];
        ny += (double) y[j] * y[j];
        nr += (double) r[j] * r[j];
      }
      double cos = ny == 0 && nr == 0 ? 1 : ny == 0 || nr == 0 ? 0 : dot / Math.sqrt(ny * nr);
      sum += cos;
      min = Math.min(min, cos);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mean_cosine", rows == 0 ? 1 : sum / rows);
    m.put("min_cosine", rows == 0 ? 1 : min);
    return m;
  }

  /** Relative error ‖y − r‖ / ‖r‖ and the largest absolute difference. */
  static Map<String, Double> regression(float[] y, float[] r) {
    double err = 0;
    double ref = 0;
    double max = 0;
    for (int i = 0; i < y.length; i++) {
      double d = (double) y[i] - r[i];
      err += d * d;
      ref += (double) r[i] * r[i];
      max = Math.max(max, Math.abs(d));
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rel_err", ref == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(err / ref));
    m.put("max_abs_err", max);
    return m;
  }
}
