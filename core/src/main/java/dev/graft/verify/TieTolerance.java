package dev.graft.verify;

/**
 * How far apart a reference row's two largest values must be for its top-1 class to count as
 * decided: a {@code classes} row whose top-1/top-2 margin is at most {@code step + relative ×
 * max|value|} of the row is a near-tie, where the result may pick either class within the
 * precision it is computed in, so a disagreement there is not counted against top-1 agreement.
 *
 * <p>The tolerance is the resolution of the compared model's output: for a full-int8 TFLite file
 * the quantization step of that output ({@link #step}: two values within one step can round to
 * the same int8 level or swap); for float files the unit roundoff of the stored format at the
 * row's magnitude ({@link #relative}); for a student against its teacher {@link #EXACT}, where
 * only exactly equal top values are ties.
 *
 * <pre>{@code
 * TieTolerance t = TieTolerance.step(0.0635);
 * boolean tie = t.nearTie(logits, row * vocab, vocab);
 * }</pre>
 */
public record TieTolerance(double step, double relative) {
  /** Only exact ties: the comparison of a student with its teacher. */
  public static final TieTolerance EXACT = new TieTolerance(0, 0);

  public TieTolerance {
    if (!(step >= 0) || !(relative >= 0)) {
      throw new IllegalArgumentException("tie tolerance must be >= 0: " + step + ", " + relative);
    }
  }

  /** An absolute tolerance: the output's quantization step. */
  public static TieTolerance step(double step) {
    return new TieTolerance(step, 0);
  }

  /** A tolerance relative to the row's largest magnitude: a float format's unit roundoff. */
  public static TieTolerance relative(double relative) {
    return new TieTolerance(0, relative);
  }

  /** The tolerance on a row whose largest magnitude is {@code magnitude}. */
  public double at(double magnitude) {
    return step + relative * magnitude;
  }

  /** The top-1 minus the top-2 value of {@code v[off .. off + c)}; infinite for one class. */
  public static double margin(float[] v, int off, int c) {
    double first = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (int k = off; k < off + c; k++) {
      double x = v[k];
      if (x > first) {
        second = first;
        first = x;
      } else if (x > second) {
        second = x;
      }
    }
    return c < 2 ? Double.POSITIVE_INFINITY : first - second;
  }

  /** Whether the row's top-1 and top-2 values are within this tolerance of each other. */
  public boolean nearTie(float[] v, int off, int c) {
    double mag = 0;
    for (int k = off; k < off + c; k++) {
      mag = Math.max(mag, Math.abs(v[k]));
    }
    return margin(v, off, c) <= at(mag);
  }
}
