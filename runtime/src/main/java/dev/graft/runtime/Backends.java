package dev.graft.runtime;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/**
 * Makes backends by id without linking runtimes that are absent: {@code tflite} needs the
 * TensorFlow Lite Android libraries, {@code ort} needs ONNX Runtime ({@code onnxruntime} on the
 * desktop, {@code onnxruntime-android} on phones).
 */
public final class Backends {
  /** TensorFlow Lite {@code Interpreter}. */
  public static final String TFLITE = "tflite";
  /** ONNX Runtime. */
  public static final String ORT = "ort";

  private static final String[] IDS = {TFLITE, ORT};

  private Backends() {}

  /** The backend ids this class knows. */
  public static String[] ids() {
    return IDS.clone();
  }

  /**
   * A new, unloaded backend.
   *
   * @throws BenchmarkException BAD_INPUT for an unknown id; BACKEND_UNAVAILABLE when its runtime
   *     library is not on the class path
   */
  public static Backend create(String id) throws BenchmarkException {
    String key = id.toLowerCase(Locale.ROOT);
    switch (key) {
      case TFLITE:
        return instantiate(
            key,
            "dev.graft.runtime.tflite.TfliteBackend",
            "org.tensorflow.lite.Interpreter",
            "add org.tensorflow:tensorflow-lite (and tensorflow-lite-gpu for the GPU delegate)");
      case ORT:
        return instantiate(
            key,
            "dev.graft.runtime.ort.OrtBackend",
            "ai.onnxruntime.OrtSession",
            "add com.microsoft.onnxruntime:onnxruntime (desktop) or onnxruntime-android");
      default:
        throw new BenchmarkException(
            BenchmarkException.Code.BAD_INPUT,
            "Unknown backend '" + id + "', expected one of [tflite, ort]");
    }
  }

  /** The backend id that usually runs {@code model}: {@code .onnx} → ort, otherwise tflite. */
  public static String forModel(File model) {
    return model.getName().toLowerCase(Locale.ROOT).endsWith(".onnx") ? ORT : TFLITE;
  }

  private static Backend instantiate(String id, String impl, String probe, String hint)
      throws BenchmarkException {
    try {
      Class.forName(probe, false, Backends.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new BenchmarkException(
          BenchmarkException.Code.BACKEND_UNAVAILABLE,
          "Backend '" + id + "' needs " + probe + ", which is not on the class path: " + hint);
    }
    try {
      return (Backend) Class.forName(impl).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | InstantiationException
        | IllegalAccessException e) {
      throw new IllegalStateException("Cannot make " + impl, e);
    } catch (InvocationTargetException e) {
      throw new BenchmarkException(
          BenchmarkException.Code.BACKEND_UNAVAILABLE,
          "Backend '" + id + "' failed to start: " + e.getCause(),
          e.getCause());
    }
  }
}
