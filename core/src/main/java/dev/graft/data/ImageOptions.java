package dev.graft.data;

import java.util.Arrays;

/**
 * How images become tensors: target size, channel count (1 or 3; 0 takes it from the model's
 * input), and per-channel mean and std applied after scaling pixels to [0,1]. One mean/std value
 * applies to every channel. Errors name the values the way the user wrote them ({@link Wording}).
 */
public record ImageOptions(
    int height, int width, int channels, float[] means, float[] stds, Wording wording) {

  /** How the user gave the options: command-line flags or a recipe's {@code images(...)}. */
  public enum Wording {
    OPTIONS("--image-size", "--mean", "--std"),
    RECIPE("images(size)", "images(mean)", "images(std)");

    final String size;
    final String mean;
    final String std;

    Wording(String size, String mean, String std) {
      this.size = size;
      this.mean = mean;
      this.std = std;
    }
  }

  public ImageOptions {
    if (channels > 0) {
      countFits(means, channels, wording.mean);
      countFits(stds, channels, wording.std);
    }
  }

  /** Options given in code, errors worded as command-line options. */
  public ImageOptions(int height, int width, int channels, float[] means, float[] stds) {
    this(height, width, channels, means, stds, Wording.OPTIONS);
  }

  /**
   * From the command line's forms: size {@code HxW} or {@code N} (square), mean and std as
   * comma-separated values (null for 0 and 1).
   */
  public static ImageOptions parse(String size, String mean, String std) {
    String[] hw = size.toLowerCase(java.util.Locale.ROOT).split("x");
    int h;
    int w;
    try {
      h = Integer.parseInt(hw[0].trim());
      w = hw.length > 1 ? Integer.parseInt(hw[1].trim()) : h;
      if (hw.length > 2) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw dev.graft.GraftException.badInput("--image-size %s: expected HxW or N, e.g. 224x224",
          size);
    }
    return of(h, w, floats(mean, 0f, "--mean"), floats(std, 1f, "--std"), Wording.OPTIONS);
  }

  /**
   * Checked options from values: a positive size of at most 8192 a side, finite means in [0, 1]
   * and finite stds other than 0; errors use {@code wording}'s names.
   */
  public static ImageOptions of(int h, int w, float[] means, float[] stds, Wording wording) {
    if (h <= 0 || w <= 0 || h > 8192 || w > 8192) {
      throw dev.graft.GraftException.badInput("%s %dx%d: each side must be 1 to 8192 pixels",
          wording.size, h, w);
    }
    for (float s : stds) {
      if (!(Math.abs(s) >= 1e-6f) || !Float.isFinite(s)) {
        throw dev.graft.GraftException.badInput(
            "%s %s: every std must be a finite number other than 0", wording.std, list(stds));
      }
    }
    for (float m : means) {
      if (!(m >= 0 && m <= 1)) {
        throw dev.graft.GraftException.badInput("%s %s: every mean must be in [0, 1], since"
            + " pixels are scaled to [0, 1] first (for statistics of 0..255 pixels divide mean"
            + " and std by 255, e.g. 127.5 -> 0.5)", wording.mean, list(means));
      }
    }
    return new ImageOptions(h, w, 0, means.clone(), stds.clone(), wording);
  }

  private static float[] floats(String list, float fallback, String option) {
    if (list == null) {
      return new float[] {fallback};
    }
    String[] parts = list.split(",");
    float[] out = new float[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        out[i] = Float.parseFloat(parts[i].trim());
        if (!Float.isFinite(out[i]) || Math.abs(out[i]) > 1e6f) {
          throw new NumberFormatException();
        }
      }
    } catch (NumberFormatException e) {
      throw dev.graft.GraftException.badInput(
          "%s %s: expected finite numbers separated by commas", option, list);
    }
    return out;
  }

  /** Values as the user wrote them: {@code 127} for a whole number, else its shortest form. */
  private static String list(float[] values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] == Math.rint(values[i]) && Math.abs(values[i]) < 1e7
          ? Long.toString((long) values[i]) : Float.toString(values[i]);
    }
    return String.join(",", out);
  }

  /**
   * The same options with the channel count set; a mean or std list must hold one value or one
   * per channel.
   */
  public ImageOptions withChannels(int c) {
    if (c != 1 && c != 3) {
      throw dev.graft.GraftException.badInput(
          "images become 1 or 3 channels, the model's input takes %d", c);
    }
    return new ImageOptions(height, width, c, means, stds, wording);
  }

  private static void countFits(float[] values, int channels, String option) {
    if (values.length != 1 && values.length != channels) {
      throw dev.graft.GraftException.badInput(
          "%s has %d values; give 1 (every channel) or %d (one per channel of the model's input)",
          option, values.length, channels);
    }
  }

  public float mean(int ch) {
    return means.length == 1 ? means[0] : means[ch];
  }

  public float std(int ch) {
    return stds.length == 1 ? stds[0] : stds[ch];
  }

  @Override
  public String toString() {
    return "ImageOptions[" + height + "x" + width + ", channels " + channels + ", mean "
        + Arrays.toString(means) + ", std " + Arrays.toString(stds) + "]";
  }
}
