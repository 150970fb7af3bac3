package dev.graft.thin;

import dev.graft.linalg.Dense;
import dev.graft.linalg.Spd;
import java.util.ArrayList;
import java.util.List;

/**
 * One consumer layer's least-squares problem on sufficient statistics, for greedy simultaneous
 * orthogonal matching pursuit over channel classes: G = XᵀX and XY = XᵀY of the layer's input
 * features X ({@code taps} columns per input channel, then a constant column for its bias when it
 * has one) and its teacher outputs Y (all columns at once). Each input channel belongs to a class
 * of the {@link ChannelGroup}; {@link #select} adds, step by step, the class whose features,
 * orthogonalized against those already chosen, remove the most residual energy from every
 * consumer's targets together (each consumer's gain relative to its own ‖Y‖², so that every
 * downstream layer counts alike).
 */
final class Somp {
  private final double[][] g;
  private final double[][] xy;
  private final double yy;
  private final int taps;
  private final int[] classOf;
  private final boolean bias;
  private final List<List<Integer>> classFeatures = new ArrayList<>();
  private final double eps;

  Somp(double[][] g, double[][] xy, double yy, int taps, int[] classOf, int classCount,
      boolean bias) {
    this.g = g;
    this.xy = xy;
    this.yy = yy;
    this.taps = taps;
    this.classOf = classOf;
    this.bias = bias;
    for (int c = 0; c < classCount; c++) {
      classFeatures.add(new ArrayList<>());
    }
    for (int p = 0; p < classOf.length; p++) {
      for (int t = 0; t < taps; t++) {
        classFeatures.get(classOf[p]).add(p * taps + t);
      }
    }
    double mean = 0;
    for (int i = 0; i < g.length; i++) {
      mean += g[i][i] / g.length;
    }
    this.eps = 1e-8 * Math.max(mean, 1e-30);
  }

  /** The k classes chosen jointly for all consumers, as a mask over classes. */
  static boolean[] select(List<Somp> parts, int classCount, int k) {
    boolean[] chosen = new boolean[classCount];
    for (int step = 0; step < k; step++) {
      double[] total = new double[classCount];
      for (Somp s : parts) {
        double[] gain = s.gains(chosen);
        for (int c = 0; c < classCount; c++) {
          total[c] += gain[c];
        }
      }
      int best = -1;
      for (int c = 0; c < classCount; c++) {
        if (!chosen[c] && (best < 0 || total[c] > total[best])) {
          best = c;
        }
      }
      chosen[best] = true;
    }
    return chosen;
  }

  /** Per class not yet chosen: the share of ‖Y‖² its features would remove next. */
  double[] gains(boolean[] chosen) {
    List<Integer> idx = features(chosen);
    int n = idx.size();
    double[][] ginv = n == 0 ? new double[0][0] : Spd.solve(sub(idx, idx), identity(n), 1e-9);
    double[][] bi = n == 0 ? new double[0][xy[0].length] : Dense.mul(ginv, rows(xy, idx));
    double[] out = new double[chosen.length];
    for (int c = 0; c < chosen.length; c++) {
      List<Integer> rc = classFeatures.get(c);
      if (chosen[c] || rc.isEmpty()) {
        continue;
      }
      int m = rc.size();
      double[][] r = rows(xy, rc);
      double[][] mm = sub(rc, rc);
      if (n > 0) {
        double[][] gci = sub(rc, idx);
        double[][] p = Dense.mul(gci, bi);
        double[][] t = Dense.mul(Dense.mul(gci, ginv), Dense.transpose(gci));
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < r[i].length; j++) {
            r[i][j] -= p[i][j];
          }
          for (int j = 0; j < m; j++) {
            mm[i][j] -= t[i][j];
          }
        }
      }
      for (int i = 0; i < m; i++) {
        mm[i][i] += eps;
      }
      double[][] z = Spd.solve(mm, r, 0);
      double gain = 0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < r[i].length; j++) {
          gain += r[i][j] * z[i][j];
        }
      }
      out[c] = gain / Math.max(yy, 1e-300);
    }
    return out;
  }

  /** Least-squares coefficients [features of kept channels…, bias][targets]. */
  double[][] refit(boolean[] kept) {
    List<Integer> idx = features(kept);
    return Spd.solve(sub(idx, idx), rows(xy, idx), 1e-6);
  }

  /** ‖Y − X_S·B‖² / ‖Y‖² for coefficients B over the kept channels' features (and the bias). */
  double relErr(boolean[] kept, double[][] b) {
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

  /** Features of the channels whose class is kept, in channel order, then the bias column. */
  List<Integer> features(boolean[] keptClass) {
    List<Integer> idx = new ArrayList<>();
    for (int p = 0; p < classOf.length; p++) {
      if (keptClass[classOf[p]]) {
        for (int t = 0; t < taps; t++) {
          idx.add(p * taps + t);
        }
      }
    }
    if (bias) {
      idx.add(g.length - 1);
    }
    return idx;
  }

  boolean fitsBias() {
    return bias;
  }

  private double[][] sub(List<Integer> r, List<Integer> c) {
    double[][] out = new double[r.size()][c.size()];
    for (int i = 0; i < r.size(); i++) {
      double[] gi = g[r.get(i)];
      for (int j = 0; j < c.size(); j++) {
        out[i][j] = gi[c.get(j)];
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
