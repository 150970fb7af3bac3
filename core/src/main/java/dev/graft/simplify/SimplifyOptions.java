package dev.graft.simplify;

import dev.graft.GraftException;
import dev.graft.data.ArraySource;
import dev.graft.data.CalibrationSource;
import dev.graft.io.NdArray;
import java.util.Map;

/**
 * What {@link Simplifier#simplify} may assume about the inputs: a box {@code [lo, hi]} for every
 * input element (sound: the result equals the model everywhere in the box), or calibration
 * samples (empirical: the result equals the model on those samples, and the report gives the
 * margin of each stable unit). With neither, only the domain-free rewrites run (BatchNorm
 * folding, Identity/Dropout removal, constant folding).
 *
 * <pre>{@code
 * SimplifyOptions o = SimplifyOptions.inputBox(0, 1);
 * SimplifyOptions c = SimplifyOptions.calibration(Map.of("input", x));
 * }</pre>
 */
public final class SimplifyOptions {
  /** When units that are always active are folded into a direct linear path. */
  public enum FoldPolicy {
    /** Only when the direct path has fewer weights than the units it replaces. */
    WHEN_SMALLER,
    /** Always (Serra et al.'s full transformation), even if the model grows. */
    ALWAYS,
    /** Never: active units stay as they are. */
    NEVER
  }

  private final Double lo;
  private final Double hi;
  private final CalibrationSource calibration;
  private FoldPolicy foldPolicy = FoldPolicy.WHEN_SMALLER;

  private SimplifyOptions(Double lo, Double hi, CalibrationSource calibration) {
    this.lo = lo;
    this.hi = hi;
    this.calibration = calibration;
  }

  /** Domain-free rewrites only. */
  public static SimplifyOptions exactOnly() {
    return new SimplifyOptions(null, null, null);
  }

  /** Every input element in [lo, hi]; lo > hi or a non-finite bound is bad input. */
  public static SimplifyOptions inputBox(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
      throw GraftException.badInput(
          "input box [%s, %s]: LO must be finite and not above HI (--input-box LO,HI)", lo, hi);
    }
    return new SimplifyOptions(lo, hi, null);
  }

  /** Inputs by name, each with all calibration rows on the first axis. */
  public static SimplifyOptions calibration(Map<String, NdArray> samples) {
    return calibration(ArraySource.of(samples));
  }

  /** Calibration inputs streamed batch by batch (the caller closes the source). */
  public static SimplifyOptions calibration(CalibrationSource source) {
    if (source.size() == 0) {
      throw GraftException.badInput("calibration data %s is empty", source.describe());
    }
    return new SimplifyOptions(null, null, source);
  }

  public SimplifyOptions foldPolicy(FoldPolicy p) {
    this.foldPolicy = p;
    return this;
  }

  public FoldPolicy foldPolicy() {
    return foldPolicy;
  }

  public boolean hasBox() {
    return lo != null;
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  /** The calibration source, or null. */
  public CalibrationSource calibrationSource() {
    return calibration;
  }
}
