package dev.graft.runtime;

import dev.graft.io.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark found: model, backend, options, device, timings and their
 * statistics, memory, and the reference-output check. Serialized as JSON with schema
 * {@value #SCHEMA} by {@link #toJson()} and read back by {@link #fromJson(String)}; the schema is
 * {@code dev/graft/runtime/bench-result.schema.json} on the class path and {@code
 * docs/bench-result.md} in the repository.
 *
 * <p>{@link #status()} is {@code passed} when the model ran and its outputs matched (or there were
 * no reference outputs), {@code failed} when the outputs differ from the reference, and {@code
 * error} when it could not run ({@link #error()} says why; timings are then absent).
 */
public final class BenchmarkResult {
  /** Schema id written in every result; bumped when a field changes meaning or goes away. */
  public static final String SCHEMA = "graft.bench/1";

  /** Outcome of a benchmark. */
  public enum Status {
    PASSED,
    FAILED,
    ERROR;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Status status;
  private final String created;
  private final ModelInfo model;
  private final String backend;
  private final Map<String, String> backendDetails;
  private final BenchmarkOptions options;
  private final DeviceInfo device;
  private final List<InputInfo> inputs;
  private final Timings timings;
  private final Stats stats;
  private final List<MemoryUsage> memory;
  private final OutputCheck outputCheck;
  private final ErrorInfo error;

  private BenchmarkResult(Builder b) {
    this.status = b.status;
    this.created = b.created;
    this.model = b.model;
    this.backend = b.backend;
    this.backendDetails = Collections.unmodifiableMap(new LinkedHashMap<>(b.backendDetails));
    this.options = b.options;
    this.device = b.device;
    this.inputs = Collections.unmodifiableList(new ArrayList<>(b.inputs));
    this.timings = b.timings;
    this.stats = b.stats;
    this.memory = Collections.unmodifiableList(new ArrayList<>(b.memory));
    this.outputCheck = b.outputCheck;
    this.error = b.error;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This result as one JSON object (pretty-printed, UTF-8 safe). */
  public String toJson() {
    return BenchmarkResultJson.write(this);
  }

  /**
   * Reads a result written by {@link #toJson()}, on this or another machine.
   *
   * @throws IllegalArgumentException naming the field when the text is not a {@value #SCHEMA}
   *     result
   */
  public static BenchmarkResult fromJson(String json) {
    return BenchmarkResultJson.read(json);
  }

  public Status status() {
    return status;
  }

  /** True when the status is {@code passed}. */
  public boolean passed() {
    return status == Status.PASSED;
  }

  /** ISO-8601 UTC time the benchmark started, e.g. {@code 2025-01-31T12:00:00Z}. */
  public String created() {
    return created;
  }

  public ModelInfo model() {
    return model;
  }

  /** Backend id, e.g. {@code tflite}, {@code ort}, {@code litert-wasm}. */
  public String backend() {
    return backend;
  }

  /** Runtime version and what was set up (delegate, providers); see {@link Backend#describe()}. */
  public Map<String, String> backendDetails() {
    return backendDetails;
  }

  public BenchmarkOptions options() {
    return options;
  }

  public DeviceInfo device() {
    return device;
  }

  public List<InputInfo> inputs() {
    return inputs;
  }

  /** Null when the status is {@code error}. */
  public Timings timings() {
    return timings;
  }

  /** Of the timed runs; null when the status is {@code error}. */
  public Stats stats() {
    return stats;
  }

  public List<MemoryUsage> memory() {
    return memory;
  }

  /** Null when the status is {@code error}. */
  public OutputCheck outputCheck() {
    return outputCheck;
  }

  /** Non-null exactly when the status is {@code error}. */
  public ErrorInfo error() {
    return error;
  }

  /** The model file benchmarked. */
  public static final class ModelInfo {
    private final String path;
    private final long sizeBytes;
    private final String sha256;

    public ModelInfo(String path, long sizeBytes, String sha256) {
      this.path = path;
      this.sizeBytes = sizeBytes;
      this.sha256 = sha256;
    }

    /** The path as given on the machine that ran the benchmark. */
    public String path() {
      return path;
    }

    /** -1 when the file could not be read. */
    public long sizeBytes() {
      return sizeBytes;
    }

    /** Lower-case hex digest of the file; null when it could not be read. */
    public String sha256() {
      return sha256;
    }
  }

  /** One model input and where its values came from. */
  public static final class InputInfo {
    private final int index;
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final String source;

    /** {@code source} is {@code reference} (a given .npy) or {@code synthetic} (seeded). */
    public InputInfo(int index, String name, DType dtype, long[] shape, String source) {
      this.index = index;
      this.name = name;
      this.dtype = dtype;
      this.shape = shape.clone();
      this.source = source;
    }

    public int index() {
      return index;
    }

    public String name() {
      return name;
    }

    public DType dtype() {
      return dtype;
    }

    public long[] shape() {
      return shape.clone();
    }

    public String source() {
      return source;
    }
  }

  /** Wall-clock times in milliseconds, measured with {@code System.nanoTime()}. */
  public static final class Timings {
    private final double loadMs;
    private final double firstInferenceMs;
    private final double[] runsMs;

    public Timings(double loadMs, double firstInferenceMs, double[] runsMs) {
      this.loadMs = loadMs;
      this.firstInferenceMs = firstInferenceMs;
      this.runsMs = runsMs.clone();
    }

    /** Creating the interpreter or session, delegates included. */
    public double loadMs() {
      return loadMs;
    }

    /** The first invoke, which often compiles kernels or GPU programs. */
    public double firstInferenceMs() {
      return firstInferenceMs;
    }

    /** Each timed invoke after warm-up, in order. */
    public double[] runsMs() {
      return runsMs.clone();
    }
  }

  /** Why a benchmark could not run. */
  public static final class ErrorInfo {
    private final String code;
    private final String message;

    /** {@code code} is a {@link BenchmarkException.Code#jsonName()}. */
    public ErrorInfo(String code, String message) {
      this.code = code;
      this.message = message;
    }

    public static ErrorInfo of(BenchmarkException e) {
      return new ErrorInfo(e.code().jsonName(), e.getMessage());
    }

    public String code() {
      return code;
    }

    /** One line naming what and where. */
    public String message() {
      return message;
    }
  }

  /** Builder of {@link BenchmarkResult}; the harness and runners fill it. */
  public static final class Builder {
    private Status status = Status.PASSED;
    private String created;
    private ModelInfo model;
    private String backend;
    private final Map<String, String> backendDetails = new LinkedHashMap<>();
    private BenchmarkOptions options;
    private DeviceInfo device;
    private final List<InputInfo> inputs = new ArrayList<>();
    private Timings timings;
    private Stats stats;
    private final List<MemoryUsage> memory = new ArrayList<>();
    private OutputCheck outputCheck;
    private ErrorInfo error;

    private Builder() {}

    public Builder status(Status v) { status = v; return this; }

    public Builder created(String v) { created = v; return this; }

    public Builder model(ModelInfo v) { model = v; return this; }

    public Builder backend(String v) { backend = v; return this; }

    public Builder backendDetails(Map<String, String> v) {
      backendDetails.clear();
      backendDetails.putAll(v);
      return this;
    }

    public Builder options(BenchmarkOptions v) { options = v; return this; }

    public Builder device(DeviceInfo v) { device = v; return this; }

    public Builder addInput(InputInfo v) { inputs.add(v); return this; }

    public Builder timings(Timings v) { timings = v; return this; }

    public Builder stats(Stats v) { stats = v; return this; }

    public Builder addMemory(MemoryUsage v) { memory.add(v); return this; }

    public Builder outputCheck(OutputCheck v) { outputCheck = v; return this; }

    /** Sets the error and the status {@code error}. */
    public Builder error(ErrorInfo v) {
      error = v;
      status = Status.ERROR;
      return this;
    }

    /**
     * The result; when no status was forced to {@code error}, the status follows the output
     * check.
     *
     * @throws IllegalStateException when a field the schema requires is missing
     */
    public BenchmarkResult build() {
      if (created == null || model == null || backend == null || options == null
          || device == null) {
        throw new IllegalStateException(
            "A result needs created, model, backend, options and device");
      }
      if (error == null) {
        if (timings == null || stats == null || outputCheck == null) {
          throw new IllegalStateException("A result without error needs timings, stats, check");
        }
        status = outputCheck.passed() ? Status.PASSED : Status.FAILED;
      }
      return new BenchmarkResult(this);
    }
  }
}
