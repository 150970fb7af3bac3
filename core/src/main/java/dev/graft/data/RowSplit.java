package dev.graft.data;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Row indices of the seeded train/held-out split every command uses, so that "held-out" means the
 * same rows everywhere (calibration samples in memory and recorded activations alike), and the
 * seeded mini-batches of one epoch.
 *
 * <pre>{@code
 * RowSplit s = RowSplit.of(1000, 0.2, seed);       // 800 train rows, 200 held out
 * for (int[] batch : RowSplit.miniBatches(s.train(), 64, seed, epoch)) { ... }
 * }</pre>
 */
public record RowSplit(int[] train, int[] heldOut) {
  /** A seeded shuffle of {@code rows} indices, the last {@code heldOutFraction} held out. */
  public static RowSplit of(int rows, double heldOutFraction, long seed) {
    if (heldOutFraction < 0 || heldOutFraction >= 1) {
      throw GraftException.badInput("held-out fraction %s is outside [0, 1)", heldOutFraction);
    }
    int[] perm = permutation(rows, new SplittableRandom(seed));
    int held = (int) Math.round(rows * heldOutFraction);
    if (heldOutFraction > 0 && held == 0 && rows > 1) {
      held = 1;
    }
    return new RowSplit(Arrays.copyOfRange(perm, 0, rows - held),
        Arrays.copyOfRange(perm, rows - held, rows));
  }

  /** The rows shuffled for one epoch and cut into mini-batches (the last may be smaller). */
  public static List<int[]> miniBatches(int[] rowIndices, int batchSize, long seed, int epoch) {
    int[] perm = permutation(rowIndices.length, new SplittableRandom(seed * 1_000_003L + epoch));
    List<int[]> out = new ArrayList<>();
    for (int s = 0; s < perm.length; s += batchSize) {
      int[] b = new int[Math.min(batchSize, perm.length - s)];
      for (int i = 0; i < b.length; i++) {
        b[i] = rowIndices[perm[s + i]];
      }
      out.add(b);
    }
    return out;
  }

  private static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
