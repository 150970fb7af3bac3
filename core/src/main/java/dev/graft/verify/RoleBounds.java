package dev.graft.verify;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bounds a quantized model's outputs must meet, by role, on each role's primary metric:
 * classes 99% top-1 agreement; scores an F1 of 0.95 of the decisions at the threshold; boxes a
 * mean absolute error of 0.1 (in the boxes' own units, on the teacher's positive anchors);
 * embedding a mean cosine of 0.99; regression a relative error of 0.1. A role's own
 * {@link OutputRole#bound()} replaces the default.
 */
public final class RoleBounds {
  private RoleBounds() {}

  /** The bound of a role's primary metric. */
  public static double of(OutputRole role) {
    if (!Double.isNaN(role.bound())) {
      return role.bound();
    }
    return switch (role.kind()) {
      case CLASSES -> 0.99;
      case SCORES -> 0.95;
      case BOXES -> 0.1;
      case EMBEDDING -> 0.99;
      case REGRESSION -> 0.1;
    };
  }

  public static boolean isMet(RoleMetrics.Result r) {
    double v = r.primary();
    double b = of(r.role());
    return r.role().kind().atLeast() ? v >= b : v <= b;
  }

  /** Why the results miss their bounds (the first output, role and metric past it), or empty. */
  public static Optional<String> failure(List<RoleMetrics.Result> results) {
    for (RoleMetrics.Result r : results) {
      if (!isMet(r)) {
        return Optional.of(String.format(Locale.ROOT,
            "verification failed: %s of output %s (%s) is %s, bound %s %s",
            r.role().kind().primary(), r.role().output(), r.role().kind().key(),
            format(r.primary()), r.role().kind().atLeast() ? "at least" : "at most",
            format(of(r.role()))));
      }
    }
    return Optional.empty();
  }

  /** One line per output: its role and metrics, e.g. {@code scores (scores): recall 0.98, …}. */
  public static String describe(RoleMetrics.Result r) {
    StringBuilder b = new StringBuilder(r.role().output()).append(" (")
        .append(r.role().kind().key()).append("):");
    String sep = " ";
    for (var e : r.values().entrySet()) {
      b.append(sep).append(e.getKey()).append(' ').append(format(e.getValue()));
      sep = ", ";
    }
    return b.toString();
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.4g", v);
  }
}
