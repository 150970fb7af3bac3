package dev.graft.runtime;

import java.io.File;
import java.net.URISyntaxException;

/** The real models under {@code src/test/resources/models}. */
public final class TestModels {
  private TestModels() {}

  public static File file(String name) {
    return resource("models/" + name);
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
