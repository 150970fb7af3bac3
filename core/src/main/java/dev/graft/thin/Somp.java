package dev.graft.thin;

import dev.graft.simplify.Dense;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy simultaneous orthogonal matching pursuit over groups of features, on sufficient
 * statistics: G = XᵀX and XY = XᵀY of features X (one group of {@code taps} columns per input
 * channel of the next layer, then a constant column for its bias) and targets Y (the next layer's
 * outputs, all columns at once). Each step adds the channel whose features, orthogonalized
 * against those already chosen, remove the most residual energy from all targets together.
 */
final class Somp {
  private final double[][] g;
  private final double[][] xy;
  private final double yy;
  private final int taps;
  private final int channels;
  private final double eps;

  Somp(double[][] g, double[][] xy, double yy, int taps) {
    this.g = g;
    this.xy = xy;
    this.yy = yy;
    this.taps = taps;
    this.channels = (g.length - 1) / taps;
    double mean = 0;
    for (int i = 0; i < g.length; i++) {
      mean += g[i][i] / g.length;
    }
    this.eps = 1e-8 * Math.max(mean, 1e-30);
  }

  /** The k channels chosen, ascending. */
  int[] select(int k) {
    List<Integer> chosen = new ArrayList<>();
    List<Integer> idx = new ArrayList<>(List.of(g.length - 1));
    boolean[] used = new boolean[channels];
    for (int step = 0; step < k; step++) {
      int n = idx.size();
      double[][] gii = sub(idx, idx);
      double[][] ginv = Dense.solveSpd(gii, identity(n), 1e-9);
      double[][] bi = Dense.mul(ginv, rows(xy, idx));
      int best = -1;
      double bestGain = -1;
      for (int c = 0; c < channels; c++) {
        if (used[c]) {
          continue;
        }
        List<Integer> rc = group(c);
        double[][] gci = sub(rc, idx);
        double[][] p = Dense.mul(gci, bi); // G_cI·B_I
        double[][] r = rows(xy, rc);
        for (int i = 0; i < taps; i++) {
          for (int j = 0; j < r[i].length; j++) {
            r[i][j] -= p[i][j];
          }
        }
        double[][] m = sub(rc, rc);
        double[][] t = Dense.mul(Dense.mul(gci, ginv), Dense.transpose(gci));
        for (int i = 0; i < taps; i++) {
          for (int j = 0; j < taps; j++) {
            m[i][j] -= t[i][j];
          }
          m[i][i] += eps;
        }
        double[][] z = Dense.solveSpd(m, r, 0);
        double gain = 0;
        for (int i = 0; i < taps; i++) {
          for (int j = 0; j < r[i].length; j++) {
            gain += r[i][j] * z[i][j];
          }
        }
        if (gain > bestGain) {
          bestGain = gain;
          best = c;
        }
      }
      used[best] = true;
      chosen.add(best);
      idx.addAll(group(best));
    }
    return chosen.stream().sorted().mapToInt(Integer::intValue).toArray();
  }

  /** Least-squares coefficients [features of kept channels…, bias][targets]. */
  double[][] refit(int[] kept) {
    List<Integer> idx = features(kept);
    return Dense.solveSpd(sub(idx, idx), rows(xy, idx), 1e-6);
  }

  /** ‖Y − X_S·B‖² / ‖Y‖² for coefficients B over the kept channels' features and the bias. */
  double relErr(int[] kept, double[][] b) {
    List<Integer> idx = features(kept);
    double[][] gb = Dense.mul(sub(idx, idx), b);
    double[][] xyi = rows(xy, idx);
    double err = yy;
    for (int i = 0; i < b.length; i++) {
      for (int j = 0; j < b[i].length; j++) {
        err += b[i][j] * gb[i][j] - 2 * b[i][j] * xyi[i][j];
      }
    }
    return Math.max(0, err) / Math.max(yy, 1e-300);
  }

  List<Integer> features(int[] kept) {
    List<Integer> idx = new ArrayList<>();
    for (int c : kept) {
      idx.addAll(group(c));
    }
    idx.add(g.length - 1);
    return idx;
  }

  private List<Integer> group(int c) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < taps; i++) {
      r.add(c * taps + i);
    }
    return r;
  }

  private double[][] sub(List<Integer> r, List<Integer> c) {
    double[][] out = new double[r.size()][c.size()];
    for (int i = 0; i < r.size(); i++) {
      for (int j = 0; j < c.size(); j++) {
        out[i][j] = g[r.get(i)][c.get(j)];
      }
    }
    return out;
  }

  private static double[][] rows(double[][] a, List<Integer> r) {
    double[][] out = new double[r.size()][];
    for (int i = 0; i < r.size(); i++) {
      out[i] = a[r.get(i)].clone();
    }
    return out;
  }

  private static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }
}
