package dev.graft.bench;

import dev.graft.exec.Capture;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST images as {@code fm_resnet20} expects them (float32 [n,1,28,28],
 * {@code (pixels/255 - 0.2860) / 0.3530}), read from Debian's {@code dataset-fashion-mnist}
 * (the 60,000 training images); past those, the images repeat with Gaussian noise of 0.1.
 */
final class FashionRows {
  static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

  private FashionRows() {}

  static NdArray images(int n) throws IOException {
    int px = 28 * 28;
    float[] out = new float[n * px];
    try (InputStream raw = Files.newInputStream(DEBIAN.resolve("train-images-idx3-ubyte.gz"));
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
      if (in.readInt() != 2051) {
        throw new IOException("not an idx3 image file");
      }
      int count = in.readInt();
      in.readInt();
      in.readInt();
      int read = Math.min(n, count);
      byte[] img = new byte[px];
      for (int i = 0; i < read; i++) {
        in.readFully(img);
        for (int p = 0; p < px; p++) {
          out[i * px + p] = (float) (((img[p] & 0xff) / 255.0 - 0.2860) / 0.3530);
        }
      }
      Random r = new Random(1);
      for (int i = read; i < n; i++) {
        int from = (i % read) * px;
        for (int p = 0; p < px; p++) {
          out[i * px + p] = out[from + p] + (float) (0.1 * r.nextGaussian());
        }
      }
    }
    return NdArray.of(out, n, 1, 28, 28);
  }

  /** The named tensors of the model on the images, run in batches of 256. */
  static Map<String, NdArray> record(Graph model, String input, NdArray x, List<String> tensors) {
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    tensors.forEach(t -> parts.put(t, new ArrayList<>()));
    try (OrtRunner r = OrtRunner.open(Capture.withOutputs(model, tensors), Device.CPU)) {
      for (int s = 0; s < x.rows(); s += 256) {
        Map<String, NdArray> o = r.run(Map.of(input, x.rows(s, Math.min(256, x.rows() - s))),
            Set.copyOf(tensors));
        tensors.forEach(t -> parts.get(t).add(o.get(t)));
      }
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((t, l) -> out.put(t, NdArray.concatRows(l)));
    return out;
  }
}
