package dev.graft.lowrank;

import dev.graft.GraftException;
import dev.graft.data.ArraySource;
import dev.graft.data.CalibrationSource;
import dev.graft.io.NdArray;
import java.util.Map;

/**
 * Options of {@link LowRank#factorize}: which layers (a pattern over module paths, node and tensor
 * names), the rank (a count, used as given) or the kept energy (fraction of the sum of squared
 * singular values, the rank rounded up to {@link #multiple()}), how convs are split, and optional
 * calibration inputs for the data-aware variant.
 *
 * <pre>{@code
 * LowRankOptions o = LowRankOptions.energy("blocks.*", 0.9).calibration(Map.of("input", x));
 * }</pre>
 */
public final class LowRankOptions {
  /** How a k×k conv is split. */
  public enum ConvSplit {
    /** (k×k, C→r) then (1×1, r→C'). */
    CHANNEL,
    /** (k×1, C→r) then (1×k, r→C'). */
    SPATIAL
  }

  private final String layers;
  private final int rank;
  private final double energy;
  private int multiple = 8;
  private ConvSplit convSplit = ConvSplit.CHANNEL;
  private CalibrationSource calibration;
  private boolean dataAware = true;

  private LowRankOptions(String layers, int rank, double energy) {
    this.layers = layers;
    this.rank = rank;
    this.energy = energy;
  }

  /** A fixed rank R for every selected layer; R ≤ 0 is bad input. */
  public static LowRankOptions rank(String layers, int r) {
    if (r <= 0) {
      throw GraftException.badInput("rank %d: must be a positive integer (--rank R)", r);
    }
    return new LowRankOptions(layers, r, Double.NaN);
  }

  /** The smallest rank keeping fraction E of the squared singular values; E in (0, 1]. */
  public static LowRankOptions energy(String layers, double e) {
    if (!(e > 0 && e <= 1)) {
      throw GraftException.badInput("energy %s: must be in (0, 1] (--energy E)", e);
    }
    return new LowRankOptions(layers, 0, e);
  }

  /** Ranks chosen by energy are rounded up to a multiple of this (default 8). */
  public LowRankOptions multiple(int m) {
    if (m <= 0) {
      throw GraftException.badInput("multiple %d: must be a positive integer (--multiple)", m);
    }
    this.multiple = m;
    return this;
  }

  public LowRankOptions convSplit(ConvSplit s) {
    this.convSplit = s;
    return this;
  }

  /** Calibration inputs by name: enables the data-aware (activation-whitened) factorization. */
  /** Calibration inputs held in memory, by input name (samples on the first axis). */
  public LowRankOptions calibration(Map<String, NdArray> samples) {
    return calibration(samples == null ? null : ArraySource.of(samples));
  }

  /** Calibration inputs streamed batch by batch (the caller closes the source). */
  public LowRankOptions calibration(CalibrationSource source) {
    this.calibration = source;
    return this;
  }

  /**
   * With calibration: whether to factor the whitened weights (default) or the plain ones; the
   * output error on the calibration data is reported either way.
   */
  public LowRankOptions dataAware(boolean on) {
    this.dataAware = on;
    return this;
  }

  public boolean dataAware() {
    return dataAware;
  }

  public String layers() {
    return layers;
  }

  /** The fixed rank, or 0 when the rank comes from energy. */
  public int fixedRank() {
    return rank;
  }

  public double energy() {
    return energy;
  }

  public int multiple() {
    return multiple;
  }

  public ConvSplit convSplit() {
    return convSplit;
  }

  /** The calibration source, or null. */
  public CalibrationSource calibrationSource() {
    return calibration;
  }
}
