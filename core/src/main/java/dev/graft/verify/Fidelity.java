package dev.graft.verify;

/**
 * How faithful a model's outputs are to a reference's: the share of samples whose arg-max class
 * agrees, the largest absolute difference, and the relative mean squared error
 * {@code Σ(y−r)² / Σr²}.
 */
public record Fidelity(double top1Agreement, double maxAbsErr, double relMse, long samples) {

  /** Compares outputs row by row; each row is one sample of {@code rowSize} values. */
  public static Fidelity compare(float[] output, float[] reference, int rowSize) {
    if (output.length != reference.length) {
      throw new IllegalArgumentException(
          "outputs have " + output.length + " values, the reference " + reference.length);
    }
    Accumulator acc = new Accumulator();
    acc.add(output, reference, rowSize);
    return acc.result();
  }

  /** Accumulates fidelity over batches. */
  public static final class Accumulator {
    private long rows;
    private long agree;
    private double maxAbs;
    private double errSq;
    private double refSq;

    public void add(float[] output, float[] reference, int rowSize) {
      int n = output.length / rowSize;
      for (int r = 0; r < n; r++) {
        int off = r * rowSize;
        if (Metrics.argmax(output, off, rowSize) == Metrics.argmax(reference, off, rowSize)) {
          agree++;
        }
        for (int i = off; i < off + rowSize; i++) {
          double d = (double) output[i] - reference[i];
          maxAbs = Math.max(maxAbs, Math.abs(d));
          errSq += d * d;
          refSq += (double) reference[i] * reference[i];
        }
      }
      rows += n;
    }

    public Fidelity result() {
      double rel = refSq == 0 ? (errSq == 0 ? 0 : Double.POSITIVE_INFINITY) : errSq / refSq;
      return new Fidelity(rows == 0 ? 0 : (double) agree / rows, maxAbs, rel, rows);
    }
  }
}
