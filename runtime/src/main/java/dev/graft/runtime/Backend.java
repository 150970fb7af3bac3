package dev.graft.runtime;

import dev.graft.io.NdArray;
import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * One inference runtime holding one loaded model. The {@link Benchmark} harness drives it:
 * {@link #load}, {@link #setInputs}, then {@link #invoke} many times (only invoke is timed), and
 * {@link #readOutputs} to check the numbers.
 *
 * <pre>{@code
 * try (Backend backend = Backends.create("ort")) {
 *   backend.load(new File("model.onnx"), BenchmarkOptions.builder().build());
 *   List<NdArray> outputs = backend.run(inputs);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: call a backend from one thread only (the TFLite GPU delegate requires the
 * thread that loaded the model). Always {@link #close()} it: it holds native memory.
 */
public interface Backend extends AutoCloseable {

  /** Short id, e.g. {@code tflite} or {@code ort}. */
  String name();

  /**
   * Loads {@code model} and prepares it for {@code options.accelerator()} and threads.
   *
   * @throws BenchmarkException MODEL_NOT_FOUND, BACKEND_UNAVAILABLE (accelerator or library
   *     missing) or UNSUPPORTED_MODEL (the runtime rejects the file)
   */
  void load(File model, BenchmarkOptions options) throws BenchmarkException;

  /** The model's inputs, in order; valid after {@link #load}. */
  List<TensorSpec> inputs();

  /** The model's outputs, in order; valid after {@link #load}. */
  List<TensorSpec> outputs();

  /**
   * Copies {@code inputs} (one per {@link #inputs()} entry, same order) into the runtime.
   *
   * @throws BenchmarkException BAD_INPUT naming the input when count, type or shape do not fit
   */
  void setInputs(List<NdArray> inputs) throws BenchmarkException;

  /** Runs the model once on the inputs last set. This is the call the harness times. */
  void invoke() throws BenchmarkException;

  /** Copies of the outputs of the last {@link #invoke()}, in {@link #outputs()} order. */
  List<NdArray> readOutputs() throws BenchmarkException;

  /** Sets inputs, invokes once and reads the outputs. */
  default List<NdArray> run(List<NdArray> inputs) throws BenchmarkException {
    setInputs(inputs);
    invoke();
    return readOutputs();
  }

  /**
   * What was actually set up, for the result: at least {@code version} where the runtime tells,
   * plus backend-specific facts (delegate applied, execution providers).
   */
  Map<String, String> describe();

  /** Frees the model and any delegate. Idempotent. */
  @Override
  void close();
}
