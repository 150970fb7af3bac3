package dev.graft.runtime;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Outputs of the first inference compared with reference outputs shipped with the model, so a
 * delegate that computes wrong numbers is caught. Element {@code a} matches reference {@code r}
 * when {@code |a - r| <= atol + rtol * |r|}; NaN or infinity where the reference is finite never
 * matches.
 */
public final class OutputCheck {
  /** Outcome of the whole check. */
  public enum Status {
    PASSED,
    FAILED,
    /** No reference outputs were given. */
    SKIPPED;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Status status;
  private final double atol;
  private final double rtol;
  private final String reason;
  private final List<Comparison> outputs;

  public OutputCheck(
      Status status, double atol, double rtol, String reason, List<Comparison> outputs) {
    this.status = status;
    this.atol = atol;
    this.rtol = rtol;
    this.reason = reason;
    this.outputs = Collections.unmodifiableList(new ArrayList<>(outputs));
  }

  /** A skipped check. */
  public static OutputCheck skipped(double atol, double rtol, String reason) {
    return new OutputCheck(Status.SKIPPED, atol, rtol, reason, Collections.<Comparison>emptyList());
  }

  /**
   * Compares {@code actual} outputs (described by {@code specs}) with {@code expected}, in order.
   * A count mismatch fails the check with a reason; a shape or element-count mismatch fails the
   * output concerned.
   */
  public static OutputCheck compare(
      List<TensorSpec> specs,
      List<NdArray> actual,
      List<NdArray> expected,
      double atol,
      double rtol) {
    if (actual.size() != expected.size()) {
      return new OutputCheck(
          Status.FAILED,
          atol,
          rtol,
          "Model has " + actual.size() + " outputs but " + expected.size()
              + " reference outputs were given",
          Collections.<Comparison>emptyList());
    }
    List<Comparison> out = new ArrayList<>();
    boolean all = true;
    for (int i = 0; i < actual.size(); i++) {
      String name = i < specs.size() ? specs.get(i).name() : "output_" + i;
      Comparison c = compareOne(i, name, actual.get(i), expected.get(i), atol, rtol);
      all &= c.passed();
      out.add(c);
    }
    String reason = all ? null : "Outputs differ from the reference beyond atol/rtol";
    return new OutputCheck(all ? Status.PASSED : Status.FAILED, atol, rtol, reason, out);
  }

  private static Comparison compareOne(
      int index, String name, NdArray a, NdArray r, double atol, double rtol) {
    long[] shape = a.shape();
    if (!Arrays.equals(shape, r.shape())) {
      return new Comparison(
          index, name, a.type(), shape, a.size(), Double.NaN, a.size(), false,
          "shape " + Arrays.toString(shape) + " differs from reference "
              + Arrays.toString(r.shape()));
    }
    double maxAbs = 0;
    long mismatches = 0;
    boolean nonFinite = false;
    for (int i = 0; i < a.size(); i++) {
      double x = a.getDouble(i);
      double y = r.getDouble(i);
      double d = Math.abs(x - y);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        if (!(Double.isNaN(x) && Double.isNaN(y)) && !(x == y)) {
          nonFinite = true;
          mismatches++;
        }
        continue;
      }
      maxAbs = Math.max(maxAbs, d);
      if (d > atol + rtol * Math.abs(y)) {
        mismatches++;
      }
    }
    String why = nonFinite ? "non-finite values where the reference differs" : null;
    if (why == null && mismatches > 0) {
      why = mismatches + " of " + a.size() + " elements outside tolerance";
    }
    return new Comparison(
        index, name, a.type(), shape, a.size(), nonFinite ? Double.NaN : maxAbs, mismatches,
        mismatches == 0, why);
  }

  public Status status() {
    return status;
  }

  public boolean passed() {
    return status != Status.FAILED;
  }

  public double atol() {
    return atol;
  }

  public double rtol() {
    return rtol;
  }

  /** Why the check failed or was skipped; null when it passed. */
  public String reason() {
    return reason;
  }

  public List<Comparison> outputs() {
    return outputs;
  }

  /** One output against its reference. */
  public static final class Comparison {
    private final int index;
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long elements;
    private final double maxAbsErr;
    private final long mismatches;
    private final boolean passed;
    private final String reason;

    /** A comparison as given; {@code maxAbsErr} is NaN when not a finite number. */
    public Comparison(
        int index, String name, DType dtype, long[] shape, long elements, double maxAbsErr,
        long mismatches, boolean passed, String reason) {
      this.index = index;
      this.name = name;
      this.dtype = dtype;
      this.shape = shape.clone();
      this.elements = elements;
      this.maxAbsErr = maxAbsErr;
      this.mismatches = mismatches;
      this.passed = passed;
      this.reason = reason;
    }

    public int index() {
      return index;
    }

    public String name() {
      return name;
    }

    public DType dtype() {
      return dtype;
    }

    public long[] shape() {
      return shape.clone();
    }

    public long elements() {
      return elements;
    }

    /** Largest |actual − reference| over finite pairs; NaN when the shapes differ. */
    public double maxAbsErr() {
      return maxAbsErr;
    }

    public long mismatches() {
      return mismatches;
    }

    public boolean passed() {
      return passed;
    }

    /** Null when passed. */
    public String reason() {
      return reason;
    }
  }
}
