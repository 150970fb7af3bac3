package dev.graft.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Backend;
import dev.graft.runtime.Backends;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.TestModels;
import java.io.File;
import org.junit.jupiter.api.Test;

/** Without TFLite's native library (any desktop JVM) the backend refuses clearly. */
class TfliteBackendDesktopTest {
  @Test
  void loadingOnADesktopJvmSaysTheBackendIsUnavailable() throws BenchmarkException {
    File model = TestModels.file("ultraface-slim-320.tflite");
    try (Backend b = Backends.create("tflite")) {
      BenchmarkException e = assertThrows(BenchmarkException.class,
          () -> b.load(model, BenchmarkOptions.builder().build()));
      assertEquals(BenchmarkException.Code.BACKEND_UNAVAILABLE, e.code());
      assertTrue(e.getMessage().startsWith("TensorFlow Lite's native library is not loadable here"),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("runs on Android with tensorflow-lite, tensorflow-lite-gpu"
          + " and tensorflow-lite-gpu-api"), e.getMessage());
    }
  }

  @Test
  void missingModelIsReportedBeforeTouchingNativeCode() throws BenchmarkException {
    try (Backend b = Backends.create("tflite")) {
      BenchmarkException e = assertThrows(BenchmarkException.class,
          () -> b.load(new File("nope/model.tflite"), BenchmarkOptions.builder().build()));
      assertEquals(BenchmarkException.Code.MODEL_NOT_FOUND, e.code());
      assertEquals("Model file not found: nope/model.tflite", e.getMessage());
    }
  }
}
