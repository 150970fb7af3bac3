package dev.graft.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * ONNX's backend node tests as Debian's {@code libonnx-testdata} installs them (one folder per
 * test: {@code model.onnx} and {@code test_data_set_0/{input,output}_N.pb}). A system package, not
 * a committed fixture: {@code .ci/run} installs it, and a machine without it skips these tests
 * with the reason.
 */
public final class OnnxNodeTests {
  public static final Path DATA = Path.of("/usr/share/libonnx-testdata/data/node");

  private OnnxNodeTests() {}

  /** The test folders that hold a model and a first data set, sorted by name. */
  public static List<Path> folders() {
    assumeTrue(Files.isDirectory(DATA), "Debian's libonnx-testdata is not installed at " + DATA
        + " (.ci/run installs it)");
    try (Stream<Path> s = Files.list(DATA)) {
      return s.filter(p -> Files.exists(p.resolve("model.onnx"))
              && Files.isDirectory(p.resolve("test_data_set_0")))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
