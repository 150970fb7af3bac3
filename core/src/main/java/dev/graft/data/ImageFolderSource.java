package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of PNG/JPEG images fed to a single image input as NCHW float32: each image resized
 * (bilinear) to the given height and width, scaled to [0,1], then normalized per channel by
 * {@code (x - mean) / std}. Files are taken in name order.
 */
final class ImageFolderSource implements CalibrationSource {
  private final String input;
  private final List<Path> images;
  private final ImageOptions options;

  ImageFolderSource(String input, Path folder, ImageOptions options) {
    this.input = input;
    this.options = options;
    try (Stream<Path> s = Files.list(folder)) {
      this.images =
          s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
              })
              .sorted()
              .toList();
    } catch (IOException e) {
      throw GraftException.badInput("cannot list image folder %s: %s", folder, e.getMessage());
    }
    if (images.isEmpty()) {
      throw GraftException.badInput("image folder %s holds no .png or .jpg files", folder);
    }
  }

  @Override
  public List<String> names() {
    return List.of(input);
  }

  @Override
  public int size() {
    return images.size();
  }

  @Override
  public Map<String, NdArray> batch(int start, int count) {
    int h = options.height();
    int w = options.width();
    int c = options.channels();
    float[] out = new float[count * c * h * w];
    for (int i = 0; i < count; i++) {
      BufferedImage img = load(images.get(start + i));
      BufferedImage resized = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = resized.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, w, h, null);
      g.dispose();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = resized.getRGB(x, y);
          float[] px = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
          for (int ch = 0; ch < c; ch++) {
            float v = c == 1 ? (px[0] + px[1] + px[2]) / 3f : px[ch];
            v = v / 255f;
            out[((i * c + ch) * h + y) * w + x] = (v - options.mean(ch)) / options.std(ch);
          }
        }
      }
    }
    return Map.of(input, NdArray.of(out, count, c, h, w));
  }

  private static BufferedImage load(Path p) {
    try {
      BufferedImage img = ImageIO.read(p.toFile());
      if (img == null) {
        throw GraftException.badInput("%s is not a readable PNG or JPEG image", p);
      }
      return img;
    } catch (IOException e) {
      throw GraftException.badInput("cannot read image %s: %s", p, e.getMessage());
    }
  }

  @Override
  public String describe() {
    return images.size() + " images in " + images.get(0).getParent();
  }

  @Override
  public void close() {}
}
