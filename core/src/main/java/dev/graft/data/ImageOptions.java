package dev.graft.data;

/**
 * How images become tensors: target size, channel count (1 or 3; 0 takes it from the model's
 * input), and per-channel mean and std applied after scaling pixels to [0,1]. One mean/std value
 * applies to every channel.
 */
public record ImageOptions(int height, int width, int channels, float[] means, float[] stds) {
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
      return new ImageOptions(h, w, 0, floats(mean, 0f, "--mean"), floats(std, 1f, "--std"));
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
      }
    } catch (NumberFormatException e) {
      throw dev.graft.GraftException.badInput("%s %s: expected numbers separated by commas",
          option, list);
    }
    return out;
  }

  /** The same options with the channel count set. */
  public ImageOptions withChannels(int c) {
    return new ImageOptions(height, width, c, means, stds);
  }

  public float mean(int ch) {
    return means.length == 1 ? means[0] : means[ch];
  }

  public float std(int ch) {
    return stds.length == 1 ? stds[0] : stds[ch];
  }
}
