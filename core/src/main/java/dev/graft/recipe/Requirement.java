package dev.graft.recipe;

import dev.graft.verify.Fidelity;
import java.util.Locale;

/** A fidelity bound the final model must meet on held-out data, or the run fails (exit 1). */
public record Requirement(Metric metric, double bound, Origin origin) {
  /** Measures a requirement can bound; agreement at least, errors at most. */
  public enum Metric {
    TOP1_AGREEMENT(true),
    REL_MSE(false),
    MAX_ABS_ERR(false);

    private final boolean atLeast;

    Metric(boolean atLeast) {
      this.atLeast = atLeast;
    }

    public boolean atLeast() {
      return atLeast;
    }

    public double of(Fidelity f) {
      switch (this) {
        case TOP1_AGREEMENT:
          return f.top1Agreement();
        case REL_MSE:
          return f.relMse();
        default:
          return f.maxAbsErr();
      }
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean isMet(Fidelity f) {
    double v = metric.of(f);
    return metric.atLeast() ? v >= bound : v <= bound;
  }

  public String describe() {
    return metric.key() + (metric.atLeast() ? " >= " : " <= ") + bound;
  }
}
