package dev.graft.runtime;

import java.io.File;
import java.net.URISyntaxException;

/**
 * The real models of the repository's {@code fixtures/third_party} (its README names their sources
 * and licences), found from the module's folder.
 */
public final class TestModels {
  private TestModels() {}

  public static File file(String name) {
    for (File dir = new File("").getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
      File f = new File(dir, "fixtures/third_party/" + name);
      if (f.isFile()) {
        return f;
      }
    }
    throw new IllegalStateException("fixtures/third_party/" + name + " not found above "
        + new File("").getAbsolutePath());
  }

  /** A file under {@code src/test/resources}. */
  public static File resource(String path) {
    try {
      return new File(TestModels.class.getResource("/" + path).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("Test resource missing: " + path, e);
    }
  }

  public static File mnist8() {
    return file("mnist-8.onnx");
  }

  public static File cnnMnist() {
    return file("cnn_mnist_pytorch11.onnx");
  }
}
