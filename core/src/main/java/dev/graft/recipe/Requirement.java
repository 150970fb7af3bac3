package dev.graft.recipe;

import dev.graft.verify.Fidelity;
import dev.graft.verify.RoleMetrics;
import java.util.List;
import java.util.Locale;

/**
 * A fidelity bound the final model must meet on held-out data, or the run fails (exit 1). Without
 * an {@code output} it bounds the first output's tensor fidelity ({@link Fidelity}); with one, it
 * bounds that output's role metric ({@link RoleMetrics}), e.g. the recall of {@code scores}.
 */
public record Requirement(Metric metric, String output, double bound, Origin origin) {
  /** Measures a requirement can bound; agreements at least, errors at most. */
  public enum Metric {
    TOP1_AGREEMENT(true),
    REL_MSE(false),
    MAX_ABS_ERR(false),
    PRECISION(true),
    RECALL(true),
    F1(true),
    KL(false),
    ACCURACY(true),
    MEAN_ABS_ERR(false),
    MEAN_COSINE(true),
    REL_ERR(false);

    private final boolean atLeast;

    Metric(boolean atLeast) {
      this.atLeast = atLeast;
    }

    public boolean atLeast() {
      return atLeast;
    }

    /** Whether the metric exists without naming an output (the first output's fidelity). */
    public boolean ofFidelity() {
      return this == TOP1_AGREEMENT || this == REL_MSE || this == MAX_ABS_ERR;
    }

    public double of(Fidelity f) {
      switch (this) {
        case TOP1_AGREEMENT:
          return f.top1Agreement();
        case REL_MSE:
          return f.relMse();
        case MAX_ABS_ERR:
          return f.maxAbsErr();
        default:
          throw new IllegalStateException(key() + " needs an output");
      }
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The metric whose key (or camel-case DSL name) is {@code s}. */
    public static Metric parse(String s) {
      String k = s.trim().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      for (Metric m : values()) {
        if (m.key().equals(k)) {
          return m;
        }
      }
      throw dev.graft.GraftException.badInput("unknown metric '%s' (%s)", s,
          String.join(", ", java.util.Arrays.stream(values()).map(Metric::key).toList()));
    }
  }

  /** A bound on the first output's tensor fidelity. */
  public Requirement(Metric metric, double bound, Origin origin) {
    this(metric, null, bound, origin);
  }

  /**
   * The measured value: the role metric of {@code output} from {@code roles}, else the first
   * output's fidelity.
   */
  public double value(Fidelity f, List<RoleMetrics.Result> roles) {
    if (output == null) {
      if (!metric.ofFidelity()) {
        throw Recipe.error(origin, "%s needs an output: %s(\"NAME\")", metric.key(),
            metric.key());
      }
      return metric.of(f);
    }
    for (RoleMetrics.Result r : roles) {
      if (r.role().output().equals(output)) {
        try {
          return r.value(metric.key());
        } catch (dev.graft.GraftException e) {
          throw Recipe.error(origin, "%s", e.getMessage());
        }
      }
    }
    throw Recipe.error(origin, "the model has no output %s", output);
  }

  public boolean isMet(double value) {
    return metric.atLeast() ? value >= bound : value <= bound;
  }

  public String describe() {
    return metric.key() + (output == null ? "" : "(" + output + ")")
        + (metric.atLeast() ? " >= " : " <= ") + bound;
  }

  /**
   * The command line's form {@code METRIC[(OUTPUT)]>=X} or {@code <=X}, e.g.
   * {@code recall(scores)>=0.9}; the direction must match the metric's.
   */
  public static Requirement parse(String spec, Origin origin) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\\s*([A-Za-z0-9_]+)\\s*(?:\\(\\s*([^)]+?)\\s*\\))?\\s*(>=|<=)\\s*(\\S+)\\s*")
        .matcher(spec);
    if (!m.matches()) {
      throw dev.graft.GraftException.badInput("--require %s: expected METRIC[(OUTPUT)]>=X or"
          + " <=X, e.g. recall(scores)>=0.9", spec);
    }
    Metric metric = Metric.parse(m.group(1));
    boolean atLeast = m.group(3).equals(">=");
    if (atLeast != metric.atLeast()) {
      throw dev.graft.GraftException.badInput("--require %s: %s is %s; bound it with %s", spec,
          metric.key(), metric.atLeast() ? "a share" : "an error",
          metric.atLeast() ? ">=" : "<=");
    }
    double bound;
    try {
      bound = Double.parseDouble(m.group(4));
    } catch (NumberFormatException e) {
      throw dev.graft.GraftException.badInput("--require %s: %s is not a number", spec,
          m.group(4));
    }
    if (m.group(2) == null && !metric.ofFidelity()) {
      throw dev.graft.GraftException.badInput("--require %s: %s needs an output, e.g. %s(scores)",
          spec, metric.key(), metric.key());
    }
    return new Requirement(metric, m.group(2), bound, origin);
  }
}
