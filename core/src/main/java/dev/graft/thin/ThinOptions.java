package dev.graft.thin;

import dev.graft.GraftException;
import dev.graft.data.ArraySource;
import dev.graft.data.CalibrationSource;
import dev.graft.io.NdArray;
import java.util.Map;

/**
 * Options of {@link Thinner#thin}: which layers (a pattern over module paths, node and tensor
 * names), the fraction of output channels to keep, the multiple channel counts are rounded to,
 * the selection method, and the calibration inputs SOMP records activations on.
 *
 * <pre>{@code
 * ThinOptions o = ThinOptions.of("stage*.c1", 0.5).calibration(Map.of("input", x));
 * }</pre>
 */
public final class ThinOptions {
  /** How channels are chosen. */
  public enum Select {
    /** Greedy simultaneous orthogonal matching pursuit on the next layer's output, then refit. */
    SOMP,
    /** The rows of largest L1 norm, no refit: the baseline. */
    MAGNITUDE
  }

  private final String layers;
  private final double keep;
  private int multiple = 8;
  private Select select = Select.SOMP;
  private CalibrationSource calibration;

  private ThinOptions(String layers, double keep) {
    this.layers = layers;
    this.keep = keep;
  }

  /** Keep fraction {@code keep} of each selected layer's channels; keep must be in (0, 1]. */
  public static ThinOptions of(String layers, double keep) {
    if (!(keep > 0 && keep <= 1)) {
      throw GraftException.badInput("keep %s: must be in (0, 1] (--keep FRACTION)", keep);
    }
    return new ThinOptions(layers, keep);
  }

  public ThinOptions multiple(int m) {
    if (m <= 0) {
      throw GraftException.badInput("multiple %d: must be a positive integer (--multiple)", m);
    }
    this.multiple = m;
    return this;
  }

  public ThinOptions select(Select s) {
    this.select = s;
    return this;
  }

  /** Calibration inputs held in memory, by input name (samples on the first axis). */
  public ThinOptions calibration(Map<String, NdArray> samples) {
    return calibration(samples == null ? null : ArraySource.of(samples));
  }

  /** Calibration inputs streamed batch by batch (the caller closes the source). */
  public ThinOptions calibration(CalibrationSource source) {
    this.calibration = source;
    return this;
  }

  public String layers() {
    return layers;
  }

  public double keep() {
    return keep;
  }

  public int multiple() {
    return multiple;
  }

  public Select select() {
    return select;
  }

  /** The calibration source, or null. */
  public CalibrationSource calibrationSource() {
    return calibration;
  }

  /** Channels kept out of {@code channels}: keep·channels rounded up to the multiple, at most all. */
  public int kept(int channels) {
    int k = (int) Math.round(keep * channels);
    k = ((Math.max(k, 1) + multiple - 1) / multiple) * multiple;
    return Math.min(channels, k);
  }
}
