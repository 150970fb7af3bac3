package dev.graft.testing;

import dev.graft.GraftException;
import dev.graft.tflite.LiteRt;

/**
 * LiteRT for tests that run TFLite files. The build installs it ({@code tools/litert-runner} is
 * the reactor's first module and runs {@code npm ci} when its {@code node_modules} is missing), so
 * a test that needs it fails, never skips, when it is absent: a skipped verification would pass a
 * build that checked nothing.
 */
public final class LiteRtForTests {
  private LiteRtForTests() {}

  /** The runner, or a failure that says why it is missing and how to install it. */
  public static LiteRt require() {
    try {
      return LiteRt.locate();
    } catch (GraftException e) {
      throw new AssertionError(e.getMessage() + ". This test runs TFLite files in LiteRT: `mvn -B"
          + " verify` installs it, or run `npm ci` in tools/litert-runner (Node 20)", e);
    }
  }
}
