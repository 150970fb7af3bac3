package dev.graft.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.TestModels;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What ONNX Runtime extracts into the temporary folder is gone once a model is loaded. */
class OrtLeftoversTest {
  @Test
  void theNativeLibraryFolderIsDeletedOnceAModelIsLoaded() throws Exception {
    try (OrtBackend ort = new OrtBackend()) {
      ort.load(TestModels.mnist8(), BenchmarkOptions.builder().build());
    }
    Field f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
    f.setAccessible(true);
    Object dir = f.get(null);
    assertTrue(dir instanceof Path, "ONNX Runtime 1.29 keeps its extraction folder in tempDirectory");
    assertFalse(Files.exists((Path) dir), dir + " is left");
  }
}
