package dev.graft.runtime.tflite;

import dev.graft.io.NdArray;
import dev.graft.runtime.Backend;
import dev.graft.runtime.BenchmarkException.Code;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.TensorSpec;
import java.io.File;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.Delegate;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.Tensor;
import org.tensorflow.lite.TensorFlowLite;
import org.tensorflow.lite.gpu.CompatibilityList;

/**
 * Runs a {@code .tflite} model in TensorFlow Lite's {@code Interpreter} on the CPU (threads,
 * XNNPACK), the GPU delegate or the NNAPI delegate. Needs TFLite's native library, so it runs on
 * Android; on a desktop JVM {@link #load} fails with BACKEND_UNAVAILABLE.
 *
 * <p>Not thread-safe, and the GPU delegate must be used from the thread that loaded the model.
 * Close it: it frees the interpreter and its delegate.
 */
public final class TfliteBackend implements Backend {
  private Interpreter interpreter;
  private TflitePlan plan;
  private List<Delegate> delegates = Collections.emptyList();
  private List<TensorSpec> inputs = Collections.emptyList();
  private List<TensorSpec> outputs = Collections.emptyList();
  private ByteBuffer[] inputBuffers = new ByteBuffer[0];
  private final Map<Integer, Object> outputBuffers = new HashMap<>();
  private boolean invoked;

  /** An unloaded backend; see {@link dev.graft.runtime.Backends#create(String)}. */
  public TfliteBackend() {}

  @Override
  public String name() {
    return "tflite";
  }

  @Override
  public void load(File model, BenchmarkOptions options) throws BenchmarkException {
    if (interpreter != null) {
      throw new IllegalStateException("This backend already holds a model; make a new one");
    }
    if (!model.isFile()) {
      throw new BenchmarkException(Code.MODEL_NOT_FOUND, "Model file not found: " + model);
    }
    plan = TflitePlan.from(options);
    try {
      TensorFlowLite.init();
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalStateException e) {
      throw new BenchmarkException(Code.BACKEND_UNAVAILABLE,
          "TensorFlow Lite's native library is not loadable here; the tflite backend runs on"
              + " Android with tensorflow-lite, tensorflow-lite-gpu and tensorflow-lite-gpu-api",
          e);
    }
    try {
      if (plan.delegate() == TflitePlan.Delegate.GPU) {
        try (CompatibilityList compat = new CompatibilityList()) {
          if (!compat.isDelegateSupportedOnThisDevice()) {
            throw new BenchmarkException(Code.BACKEND_UNAVAILABLE,
                "The TFLite GPU delegate does not support this device's GPU");
          }
        }
      }
      TfliteOptions o = TfliteOptions.apply(plan, TfliteOptions.REAL);
      delegates = o.delegates();
      interpreter = new Interpreter(model, o.interpreterOptions());
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      closeDelegates();
      throw new BenchmarkException(Code.BACKEND_UNAVAILABLE,
          "TensorFlow Lite's native library or classes are missing here (" + e.getMessage()
              + "); the tflite backend runs on Android with tensorflow-lite, tensorflow-lite-gpu"
              + " and tensorflow-lite-gpu-api", e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      closeDelegates();
      throw new BenchmarkException(Code.UNSUPPORTED_MODEL,
          "TensorFlow Lite cannot load " + model.getPath() + " with delegate "
              + plan.delegate().name().toLowerCase(java.util.Locale.ROOT) + ": "
              + firstLine(e.getMessage()), e);
    }
    List<TensorSpec> in = new ArrayList<>();
    for (int i = 0; i < interpreter.getInputTensorCount(); i++) {
      Tensor t = interpreter.getInputTensor(i);
      in.add(TfliteTensors.spec(i, "input", t.name(), t.dataType(), t.shapeSignature()));
    }
    List<TensorSpec> out = new ArrayList<>();
    for (int i = 0; i < interpreter.getOutputTensorCount(); i++) {
      Tensor t = interpreter.getOutputTensor(i);
      out.add(TfliteTensors.spec(i, "output", t.name(), t.dataType(), t.shapeSignature()));
    }
    inputs = Collections.unmodifiableList(in);
    outputs = Collections.unmodifiableList(out);
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputs;
  }

  @Override
  public void setInputs(List<NdArray> values) throws BenchmarkException {
    requireLoaded();
    if (values.size() != inputs.size()) {
      throw new BenchmarkException(
          Code.BAD_INPUT, "Model takes " + inputs.size() + " inputs, got " + values.size());
    }
    try {
      boolean resized = false;
      for (int i = 0; i < values.size(); i++) {
        int[] want = TfliteTensors.toInts(values.get(i).shape());
        if (!Arrays.equals(want, interpreter.getInputTensor(i).shape())) {
          interpreter.resizeInput(i, want);
          resized = true;
        }
      }
      if (resized) {
        interpreter.allocateTensors();
      }
      inputBuffers = new ByteBuffer[values.size()];
      for (int i = 0; i < values.size(); i++) {
        inputBuffers[i] = TfliteTensors.directCopy(values.get(i));
      }
      outputBuffers.clear();
      for (int i = 0; i < outputs.size(); i++) {
        outputBuffers.put(i, ByteBuffer.allocateDirect(interpreter.getOutputTensor(i).numBytes())
            .order(ByteOrder.nativeOrder()));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new BenchmarkException(Code.BAD_INPUT, firstLine(e.getMessage()), e);
    }
    invoked = false;
  }

  @Override
  public void invoke() throws BenchmarkException {
    requireLoaded();
    for (ByteBuffer b : inputBuffers) {
      ((Buffer) b).rewind();
    }
    for (Object b : outputBuffers.values()) {
      ((Buffer) b).rewind();
    }
    try {
      interpreter.runForMultipleInputsOutputs(inputBuffers, outputBuffers);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new BenchmarkException(
          Code.RUN_FAILED, "TensorFlow Lite inference failed: " + firstLine(e.getMessage()), e);
    }
    invoked = true;
  }

  @Override
  public List<NdArray> readOutputs() throws BenchmarkException {
    if (!invoked) {
      throw new IllegalStateException("No outputs: call invoke() first");
    }
    List<NdArray> out = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      out.add(TfliteTensors.toArray(outputs.get(i).dtype(),
          interpreter.getOutputTensor(i).shape(), (ByteBuffer) outputBuffers.get(i)));
    }
    return out;
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> d = new java.util.LinkedHashMap<>();
    try {
      d.put("version", TensorFlowLite.runtimeVersion());
    } catch (RuntimeException | LinkageError e) {
      // version unknown without the native library
    }
    if (plan != null) {
      d.putAll(plan.describe());
    }
    return d;
  }

  @Override
  public void close() {
    if (interpreter != null) {
      interpreter.close();
      interpreter = null;
    }
    closeDelegates();
  }

  private void closeDelegates() {
    for (Delegate d : delegates) {
      try {
        d.close();
      } catch (RuntimeException e) {
        // a delegate that fails to close has nothing left to free
      }
    }
    delegates = Collections.emptyList();
  }

  private void requireLoaded() {
    if (interpreter == null) {
      throw new IllegalStateException("No model loaded: call load() first");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
