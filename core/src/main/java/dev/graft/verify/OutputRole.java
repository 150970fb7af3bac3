package dev.graft.verify;

import dev.graft.GraftException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a model output means, so fidelity is measured the way the output is used:
 *
 * <ul>
 *   <li>{@code classes}: one class per row of the last axis (logits or probabilities): top-1
 *       agreement, KL divergence, accuracy with labels;
 *   <li>{@code scores}: independent per-anchor (or per-pixel) probabilities with a decision
 *       {@code threshold}: precision, recall and F1 of the student's decisions against the
 *       teacher's, and the count of positives. With a last axis of two or more the scores are a
 *       softmax over classes whose class {@code background} (0 by default) is not a decision;
 *   <li>{@code boxes}: regressions (last axis, e.g. 4 coordinates per anchor) read only where the
 *       teacher's {@code pairedWith} scores are positive: mean and max absolute error there;
 *   <li>{@code embedding}: vectors along the last axis: cosine similarity;
 *   <li>{@code regression}: plain tensors: relative error {@code ‖y − r‖ / ‖r‖}.
 * </ul>
 *
 * <p>{@code logits} says the values are before their softmax/sigmoid; {@code bound}, when not
 * NaN, replaces the default bound a verification applies to the role's {@link Kind#primary}
 * metric.
 */
public record OutputRole(String output, Kind kind, double threshold, String pairedWith,
    boolean logits, int background, double bound) {

  /** The roles, each with the metric a verification bounds first. */
  public enum Kind {
    CLASSES("top1_agreement", true),
    SCORES("f1", true),
    BOXES("mean_abs_err", false),
    EMBEDDING("mean_cosine", true),
    REGRESSION("rel_err", false);

    private final String primary;
    private final boolean atLeast;

    Kind(String primary, boolean atLeast) {
      this.primary = primary;
      this.atLeast = atLeast;
    }

    /** The metric a verification bounds. */
    public String primary() {
      return primary;
    }

    /** Whether the primary metric is bounded from below (an agreement) or above (an error). */
    public boolean atLeast() {
      return atLeast;
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.key().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw GraftException.badInput("unknown output role '%s': expected classes, scores, boxes,"
          + " embedding or regression", s);
    }
  }

  /** Decision threshold of scores when none is given. */
  public static final double DEFAULT_THRESHOLD = 0.5;

  public OutputRole {
    if (kind == Kind.SCORES && !(threshold > 0 && threshold < 1)) {
      throw GraftException.badInput("scores threshold %s of output %s must be in (0, 1)",
          threshold, output);
    }
    if (kind == Kind.BOXES && (pairedWith == null || pairedWith.isEmpty())) {
      throw GraftException.badInput("boxes output %s needs the scores it is read with:"
          + " boxes:pairedWith=SCORES", output);
    }
  }

  public static OutputRole classes(String output, boolean logits) {
    return new OutputRole(output, Kind.CLASSES, Double.NaN, null, logits, -1, Double.NaN);
  }

  public static OutputRole scores(String output, double threshold, boolean logits,
      int background) {
    return new OutputRole(output, Kind.SCORES, threshold, null, logits, background, Double.NaN);
  }

  public static OutputRole boxes(String output, String pairedWith) {
    return new OutputRole(output, Kind.BOXES, Double.NaN, pairedWith, false, -1, Double.NaN);
  }

  public static OutputRole embedding(String output) {
    return new OutputRole(output, Kind.EMBEDDING, Double.NaN, null, false, -1, Double.NaN);
  }

  public static OutputRole regression(String output) {
    return new OutputRole(output, Kind.REGRESSION, Double.NaN, null, false, -1, Double.NaN);
  }

  /** The same role with a verification bound on its primary metric. */
  public OutputRole withBound(double b) {
    return new OutputRole(output, kind, threshold, pairedWith, logits, background, b);
  }

  /**
   * Parses the command line's {@code NAME=ROLE[:options]}, options separated by commas:
   * {@code scores:threshold=0.7}, {@code scores:logits,background=0},
   * {@code boxes:pairedWith=scores,bound=0.1}, {@code classes:logits}, {@code embedding}.
   */
  public static OutputRole parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw GraftException.badInput("--role %s: expected NAME=ROLE[:options], e.g."
          + " scores=scores:threshold=0.7", spec);
    }
    String name = spec.substring(0, eq).trim();
    String rest = spec.substring(eq + 1);
    int colon = rest.indexOf(':');
    Kind kind = Kind.parse(colon < 0 ? rest : rest.substring(0, colon));
    Map<String, String> opts = new LinkedHashMap<>();
    if (colon >= 0) {
      for (String o : rest.substring(colon + 1).split(",")) {
        if (o.isBlank()) {
          continue;
        }
        int e = o.indexOf('=');
        opts.put((e < 0 ? o : o.substring(0, e)).trim().toLowerCase(Locale.ROOT),
            e < 0 ? "true" : o.substring(e + 1).trim());
      }
    }
    return of(name, kind, opts, "--role " + spec);
  }

  /** A role from named options (the recipe DSL's and the command line's common form). */
  public static OutputRole of(String name, Kind kind, Map<String, String> opts, String where) {
    double threshold = number(opts, "threshold", kind == Kind.SCORES ? DEFAULT_THRESHOLD
        : Double.NaN, where);
    boolean logits = Boolean.parseBoolean(opts.getOrDefault("logits", "false"));
    int background = (int) number(opts, "background", kind == Kind.SCORES ? 0 : -1, where);
    String paired = opts.getOrDefault("pairedwith", opts.get("paired"));
    double bound = number(opts, "bound", Double.NaN, where);
    for (String k : opts.keySet()) {
      if (!java.util.Set.of("threshold", "logits", "background", "pairedwith", "paired", "bound")
          .contains(k)) {
        throw GraftException.badInput("%s: unknown option '%s' (threshold, logits, background,"
            + " pairedWith, bound)", where, k);
      }
    }
    return new OutputRole(name, kind, threshold, paired, logits, background, bound);
  }

  private static double number(Map<String, String> opts, String key, double fallback,
      String where) {
    String v = opts.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw GraftException.badInput("%s: %s=%s is not a number", where, key, v);
    }
  }

  /** How the command line writes this role back, e.g. {@code scores=scores:threshold=0.7}. */
  public String describe() {
    StringBuilder b = new StringBuilder(output).append('=').append(kind.key());
    StringBuilder o = new StringBuilder();
    if (kind == Kind.SCORES) {
      o.append("threshold=").append(threshold);
      if (background >= 0) {
        o.append(",background=").append(background);
      }
    }
    if (kind == Kind.BOXES) {
      o.append("pairedWith=").append(pairedWith);
    }
    if (logits) {
      o.append(o.length() > 0 ? "," : "").append("logits");
    }
    if (!Double.isNaN(bound)) {
      o.append(o.length() > 0 ? "," : "").append("bound=").append(bound);
    }
    return o.length() > 0 ? b.append(':').append(o).toString() : b.toString();
  }
}
