package dev.graft.runtime;

import dev.graft.io.NdArray;
import dev.graft.runtime.BenchmarkResult.ErrorInfo;
import dev.graft.runtime.BenchmarkResult.InputInfo;
import dev.graft.runtime.BenchmarkResult.ModelInfo;
import dev.graft.runtime.BenchmarkResult.Timings;
import dev.graft.runtime.memory.MemoryProbe;
import dev.graft.runtime.memory.MemoryProbes;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The latency harness, measuring the way TFLite's {@code benchmark_model} does: model load time,
 * first-inference time, untimed warm-up runs, then N timed runs ({@code System.nanoTime()} around
 * {@link Backend#invoke()} only), with statistics, memory and a check of the outputs against
 * reference outputs.
 *
 * <pre>{@code
 * Benchmark bench = Benchmark.builder()
 *     .options(BenchmarkOptions.builder().runs(50).accelerator(Accelerator.GPU).build())
 *     .build();
 * BenchmarkResult result = bench.run("tflite", new File(dir, "model.tflite"),
 *     ReferenceData.load(new File(dir, "reference")));
 * Files.write(out, result.toJson().getBytes(UTF_8));
 * }</pre>
 *
 * <p>Without reference inputs, inputs are synthetic: float32 uniform in [0, 1), int8 and uint8
 * uniform over their range, int32 and int64 zeros (safe as indices), from {@link
 * BenchmarkOptions#seed()}. The outputs of the first inference and of the last timed run are
 * both checked; a mismatch makes the result {@code failed}.
 *
 * <p>Runs everything on the calling thread; a harness object is immutable and reusable.
 */
public final class Benchmark {
  private final BenchmarkOptions options;
  private final List<MemoryProbe> probes;
  private final DeviceInfo device;

  private Benchmark(Builder b) {
    this.options = b.options;
    this.probes = Collections.unmodifiableList(new ArrayList<>(b.probes));
    this.device = b.device;
  }

  public static Builder builder() {
    return new Builder();
  }

  public BenchmarkOptions options() {
    return options;
  }

  /** Creates backend {@code backendId} (see {@link Backends}), benchmarks, and closes it. */
  public BenchmarkResult run(String backendId, File model, ReferenceData reference)
      throws BenchmarkException {
    checkModel(model);
    try (Backend backend = Backends.create(backendId)) {
      return run(backend, model, reference);
    }
  }

  /**
   * Like {@link #run(String, File, ReferenceData)} but a failure to run becomes a result with
   * status {@code error}, so there is always a result to write.
   */
  public BenchmarkResult runOrError(String backendId, File model, ReferenceData reference) {
    try {
      return run(backendId, model, reference);
    } catch (BenchmarkException e) {
      return errorResult(backendId, model, e);
    }
  }

  /**
   * Benchmarks {@code model} on an unloaded {@code backend}; the caller closes the backend.
   *
   * @param reference inputs and expected outputs, or null for synthetic inputs and no check
   * @throws BenchmarkException when the model cannot be found, loaded or run, or the reference
   *     inputs do not fit it
   */
  public BenchmarkResult run(Backend backend, File model, ReferenceData reference)
      throws BenchmarkException {
    checkModel(model);
    String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    ModelInfo modelInfo = modelInfo(model);
    MemorySampler memory = new MemorySampler(probes);

    long t0 = System.nanoTime();
    backend.load(model, options);
    double loadMs = (System.nanoTime() - t0) / 1e6;
    memory.afterLoad();

    List<TensorSpec> specs = backend.inputs();
    boolean fromReference = reference != null && !reference.inputs().isEmpty();
    List<NdArray> inputs =
        fromReference
            ? InputCheck.fit(specs, reference.inputs())
            : SyntheticInputs.make(specs, options.seed());
    backend.setInputs(inputs);

    t0 = System.nanoTime();
    backend.invoke();
    double firstMs = (System.nanoTime() - t0) / 1e6;
    memory.sample();
    List<NdArray> firstOutputs = backend.readOutputs();

    for (int i = 0; i < options.warmup(); i++) {
      backend.invoke();
      memory.sample();
    }
    double[] runs = new double[options.runs()];
    for (int i = 0; i < runs.length; i++) {
      long s = System.nanoTime();
      backend.invoke();
      runs[i] = (System.nanoTime() - s) / 1e6;
      memory.sample();
    }
    List<NdArray> lastOutputs = backend.readOutputs();

    BenchmarkResult.Builder result =
        BenchmarkResult.builder()
            .created(created)
            .model(modelInfo)
            .backend(backend.name())
            .backendDetails(backend.describe())
            .options(options)
            .device(device)
            .timings(new Timings(loadMs, firstMs, runs))
            .stats(Stats.of(runs))
            .outputCheck(check(backend.outputs(), firstOutputs, lastOutputs, reference));
    for (int i = 0; i < inputs.size(); i++) {
      TensorSpec spec = specs.get(i);
      result.addInput(
          new InputInfo(i, spec.name(), inputs.get(i).type(), inputs.get(i).shape(),
              fromReference ? "reference" : "synthetic"));
    }
    for (MemoryUsage usage : memory.usages()) {
      result.addMemory(usage);
    }
    return result.build();
  }

  /** A result with status {@code error} for a benchmark that could not run. */
  public BenchmarkResult errorResult(String backendId, File model, BenchmarkException e) {
    return BenchmarkResult.builder()
        .created(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .model(modelInfo(model))
        .backend(backendId)
        .options(options)
        .device(device)
        .error(ErrorInfo.of(e))
        .build();
  }

  private OutputCheck check(
      List<TensorSpec> specs, List<NdArray> first, List<NdArray> last, ReferenceData ref) {
    if (ref == null || ref.outputs().isEmpty()) {
      return OutputCheck.skipped(options.atol(), options.rtol(), "No reference outputs given");
    }
    OutputCheck onFirst =
        OutputCheck.compare(specs, first, ref.outputs(), options.atol(), options.rtol());
    if (!onFirst.passed()) {
      return new OutputCheck(onFirst.status(), onFirst.atol(), onFirst.rtol(),
          "First inference: " + onFirst.reason(), onFirst.outputs());
    }
    OutputCheck onLast =
        OutputCheck.compare(specs, last, ref.outputs(), options.atol(), options.rtol());
    if (!onLast.passed()) {
      return new OutputCheck(onLast.status(), onLast.atol(), onLast.rtol(),
          "Last timed run: " + onLast.reason(), onLast.outputs());
    }
    return onLast;
  }

  private static void checkModel(File model) throws BenchmarkException {
    if (!model.isFile() || !model.canRead()) {
      throw new BenchmarkException(
          BenchmarkException.Code.MODEL_NOT_FOUND,
          (model.exists() ? "Model file is not a readable file: " : "Model file not found: ")
              + model.getPath());
    }
  }

  private static ModelInfo modelInfo(File model) {
    if (!model.isFile()) {
      return new ModelInfo(model.getPath(), -1, null);
    }
    try (InputStream in = new FileInputStream(model)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      StringBuilder hex = new StringBuilder();
      for (byte b : md.digest()) {
        hex.append(String.format("%02x", b & 0xff));
      }
      return new ModelInfo(model.getPath(), model.length(), hex.toString());
    } catch (IOException | NoSuchAlgorithmException e) {
      return new ModelInfo(model.getPath(), model.length(), null);
    }
  }

  /** Builder of {@link Benchmark}. */
  public static final class Builder {
    private BenchmarkOptions options = BenchmarkOptions.builder().build();
    private List<MemoryProbe> probes = MemoryProbes.defaults();
    private DeviceInfo device;

    private Builder() {}

    public Builder options(BenchmarkOptions options) {
      this.options = options;
      return this;
    }

    /** Replaces the default probes ({@link MemoryProbes#defaults()}). */
    public Builder memoryProbes(List<MemoryProbe> probes) {
      this.probes = new ArrayList<>(probes);
      return this;
    }

    /** Adds a probe to the current list, e.g. an Android native-heap probe. */
    public Builder addMemoryProbe(MemoryProbe probe) {
      this.probes = new ArrayList<>(probes);
      this.probes.add(probe);
      return this;
    }

    /** Default {@link DeviceInfo#fromSystem()}. */
    public Builder device(DeviceInfo device) {
      this.device = device;
      return this;
    }

    public Benchmark build() {
      if (device == null) {
        device = DeviceInfo.fromSystem();
      }
      return new Benchmark(this);
    }
  }
}
