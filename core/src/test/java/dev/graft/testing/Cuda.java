package dev.graft.testing;

import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.onnx.OnnxReader;

/**
 * Whether ONNX Runtime's CUDA provider works here: it needs the {@code onnxruntime_gpu} build
 * ({@code mvn -Pcuda}) and a GPU with CUDA 12. Tests that need it are tagged {@code cuda} and
 * skipped with {@link #unavailableReason()} elsewhere.
 */
public final class Cuda {
  private static final String REASON = probe();

  private Cuda() {}

  /** Why CUDA cannot run here, or null when it can. */
  public static String unavailableReason() {
    return REASON;
  }

  private static String probe() {
    try (OrtRunner r = OrtRunner.open(OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx")),
        Device.CUDA)) {
      return null;
    } catch (GraftException e) {
      return "no CUDA here: " + e.getMessage();
    }
  }
}
