package dev.graft.data;

/**
 * How images become tensors: target size, channel count (1 or 3), and per-channel mean and std
 * applied after scaling pixels to [0,1]. One mean/std value applies to every channel.
 */
public record ImageOptions(int height, int width, int channels, float[] means, float[] stds) {
  public float mean(int ch) {
    return means.length == 1 ? means[0] : means[ch];
  }

  public float std(int ch) {
    return stds.length == 1 ? stds[0] : stds[ch];
  }
}
