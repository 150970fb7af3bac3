package dev.graft.data;

/**
 * How images become tensors: target size, channel count (1 or 3; 0 takes it from the model's
 * input), and per-channel mean and std applied after scaling pixels to [0,1]. One mean/std value
 * applies to every channel.
 */
public record ImageOptions(int height, int width, int channels, float[] means, float[] stds) {
  public ImageOptions {
    if (channels > 0) {
      countFits(means, channels, "--mean");
      countFits(stds, channels, "--std");
    }
  }

  /**
   * From the command line's forms: size {@code HxW} or {@code N} (square), mean and std as
   * comma-separated values (null for 0 and 1).
   */
  public static ImageOptions parse(String size, String mean, String std) {
    String[] hw = size.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      int h = Integer.parseInt(hw[0].trim());
      int w = hw.length > 1 ? Integer.parseInt(hw[1].trim()) : h;
      if (hw.length > 2 || h <= 0 || w <= 0) {
        throw new NumberFormatException();
      }
      if (h > 8192 || w > 8192) {
        throw dev.graft.GraftException.badInput("--image-size %s: at most 8192x8192", size);
      }
      float[] stds = floats(std, 1f, "--std");
      for (float s : stds) {
        if (!(Math.abs(s) >= 1e-6f)) {
          throw dev.graft.GraftException.badInput(
              "--std %s: every std must be a finite number other than 0", std);
        }
      }
      float[] means = floats(mean, 0f, "--mean");
      for (float m : means) {
        if (m < 0 || m > 1) {
          throw dev.graft.GraftException.badInput("--mean %s: every mean must be in [0, 1], since"
              + " pixels are scaled to [0, 1] first (for statistics of 0..255 pixels divide mean"
              + " and std by 255, e.g. 127.5 -> 0.5)", mean);
        }
      }
      return new ImageOptions(h, w, 0, means, stds);
    } catch (NumberFormatException e) {
      throw dev.graft.GraftException.badInput("--image-size %s: expected HxW or N, e.g. 224x224",
          size);
    }
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

  /**
   * The same options with the channel count set; a mean or std list must hold one value or one
   * per channel.
   */
  public ImageOptions withChannels(int c) {
    if (c != 1 && c != 3) {
      throw dev.graft.GraftException.badInput(
          "images become 1 or 3 channels, the model's input takes %d", c);
    }
    return new ImageOptions(height, width, c, means, stds);
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
}
