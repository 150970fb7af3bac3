package dev.graft.runtime;

import java.util.Arrays;

/**
 * Summary of timed runs, in milliseconds.
 *
 * <p><b>Definitions.</b> {@code std} is the sample standard deviation (divisor n − 1; 0 for a
 * single run). Percentiles interpolate linearly between closest ranks: for sorted samples
 * x<sub>0</sub> ≤ … ≤ x<sub>n−1</sub> and q in [0, 100], let h = (n − 1)·q/100; then
 * P<sub>q</sub> = x<sub>⌊h⌋</sub> + (h − ⌊h⌋)·(x<sub>⌊h⌋+1</sub> − x<sub>⌊h⌋</sub>). This is
 * Hyndman and Fan's definition 7, the default of NumPy's {@code percentile} and R's
 * {@code quantile}; for 1, 2, …, 10 it gives p50 = 5.5, p90 = 9.1, p99 = 9.91.
 */
public final class Stats {
  private final int count;
  private final double mean;
  private final double std;
  private final double min;
  private final double max;
  private final double p50;
  private final double p90;
  private final double p99;

  /** Figures as given (used by the JSON reader); see {@link #of} to compute them. */
  public Stats(
      int count, double mean, double std, double min, double max, double p50, double p90,
      double p99) {
    this.count = count;
    this.mean = mean;
    this.std = std;
    this.min = min;
    this.max = max;
    this.p50 = p50;
    this.p90 = p90;
    this.p99 = p99;
  }

  /**
   * Statistics of {@code samples}.
   *
   * @throws IllegalArgumentException when there are no samples
   */
  public static Stats of(double[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("Statistics need at least one sample");
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double s : sorted) {
      sum += s;
    }
    double mean = sum / sorted.length;
    double sq = 0;
    for (double s : sorted) {
      sq += (s - mean) * (s - mean);
    }
    double std = sorted.length > 1 ? Math.sqrt(sq / (sorted.length - 1)) : 0.0;
    return new Stats(
        sorted.length,
        mean,
        std,
        sorted[0],
        sorted[sorted.length - 1],
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99));
  }

  /**
   * The {@code q}-th percentile of ascending {@code sorted}, by linear interpolation between
   * closest ranks (see the class comment).
   *
   * @throws IllegalArgumentException when {@code sorted} is empty or q is outside [0, 100]
   */
  public static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("Percentile of no samples");
    }
    if (!(q >= 0 && q <= 100)) {
      throw new IllegalArgumentException("Percentile must be in [0, 100], got " + q);
    }
    double h = (sorted.length - 1) * q / 100.0;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  public int count() {
    return count;
  }

  public double mean() {
    return mean;
  }

  public double std() {
    return std;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public double p50() {
    return p50;
  }

  public double p90() {
    return p90;
  }

  public double p99() {
    return p99;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "n=%d mean=%.3f std=%.3f min=%.3f p50=%.3f p90=%.3f p99=%.3f max=%.3f ms",
        count, mean, std, min, p50, p90, p99, max);
  }
}
