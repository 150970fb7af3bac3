package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.io.AtomicFiles;
import dev.graft.runtime.memory.MemoryProbe;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark described by string-keyed options, as an Android intent's extras or command-line
 * flags carry them, run and written as a result file. The Android sample turns its intent extras
 * into a map and calls this; all parsing and validation live here.
 *
 * <pre>{@code
 * BenchJob job = BenchJob.fromArgs(extras, context.getExternalFilesDir(null));
 * BenchmarkResult result = job.execute(deviceInfo, probes);   // also writes job.out()
 * }</pre>
 *
 * <p>Keys ({@link #KEYS}); values may be strings or the matching boxed type:
 *
 * <ul>
 *   <li>{@code model} (required): model path; relative paths resolve against the base folder.
 *   <li>{@code backend}: {@code tflite} or {@code ort}, or {@code tflite-gpu} style
 *       backend-accelerator; default from the model's extension.
 *   <li>{@code accelerator}: {@code cpu}, {@code xnnpack}, {@code gpu}, {@code nnapi}; default
 *       cpu.
 *   <li>{@code threads}, {@code warmup}, {@code runs}: integers (defaults -1, 10, 50).
 *   <li>{@code reference}: folder with {@code input_<i>.npy} and {@code output_<i>.npy}.
 *   <li>{@code out}: result file; default {@code result.json}.
 *   <li>{@code xnnpack}, {@code allow_fp16}: booleans; {@code atol}, {@code rtol}: numbers;
 *       {@code seed}: integer.
 * </ul>
 */
public final class BenchJob {
  /** Every key this class reads. */
  public static final List<String> KEYS =
      Arrays.asList(
          "model", "backend", "accelerator", "threads", "warmup", "runs", "reference", "out",
          "xnnpack", "allow_fp16", "atol", "rtol", "seed");

  /** Result file name when {@code out} is not given. */
  public static final String DEFAULT_OUT = "result.json";

  private final File model;
  private final String backend;
  private final BenchmarkOptions options;
  private final File reference;
  private final File out;

  private BenchJob(
      File model, String backend, BenchmarkOptions options, File reference, File out) {
    this.model = model;
    this.backend = backend;
    this.options = options;
    this.reference = reference;
    this.out = out;
  }

  /**
   * Parses {@code args}; relative paths resolve against {@code baseDir}.
   *
   * @throws BenchmarkException BAD_INPUT naming the key for an unknown key, a missing model
   *     argument or a malformed value
   */
  public static BenchJob fromArgs(Map<String, ?> args, File baseDir) throws BenchmarkException {
    for (String key : args.keySet()) {
      if (!KEYS.contains(key)) {
        throw bad("Unknown option '" + key + "', expected one of " + KEYS);
      }
    }
    Object m = args.get("model");
    if (m == null || m.toString().isEmpty()) {
      throw bad("Option 'model' is required: the path of the model to benchmark");
    }
    File model = resolve(baseDir, m.toString());
    String backend = str(args, "backend", Backends.forModel(model)).toLowerCase(Locale.ROOT);
    String accel = str(args, "accelerator", null);
    int dash = backend.indexOf('-');
    if (dash > 0) {
      String combined = backend.substring(dash + 1);
      if (accel != null && !accel.equalsIgnoreCase(combined)) {
        throw bad("Option 'backend' says accelerator " + combined + " but 'accelerator' says "
            + accel);
      }
      accel = combined;
      backend = backend.substring(0, dash);
    }
    if (!Arrays.asList(Backends.ids()).contains(backend)) {
      throw bad("Option 'backend' is '" + backend + "', expected one of "
          + Arrays.toString(Backends.ids()));
    }
    BenchmarkOptions.Builder o = BenchmarkOptions.builder();
    try {
      if (accel != null) {
        o.accelerator(Accelerator.parse(accel));
      }
      o.threads(integer(args, "threads", BenchmarkOptions.DEFAULT_THREADS));
      o.warmup(integer(args, "warmup", 10));
      o.runs(integer(args, "runs", 50));
      if (args.get("xnnpack") != null) {
        o.xnnpack(bool(args, "xnnpack"));
      }
      if (args.get("allow_fp16") != null) {
        o.allowFp16(bool(args, "allow_fp16"));
      }
      if (args.get("atol") != null) {
        o.atol(number(args, "atol"));
      }
      if (args.get("rtol") != null) {
        o.rtol(number(args, "rtol"));
      }
      if (args.get("seed") != null) {
        o.seed(integer(args, "seed", 0));
      }
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    String ref = str(args, "reference", null);
    return new BenchJob(model, backend, o.build(), ref == null ? null : resolve(baseDir, ref),
        resolve(baseDir, str(args, "out", DEFAULT_OUT)));
  }

  public File model() {
    return model;
  }

  public String backend() {
    return backend;
  }

  public BenchmarkOptions options() {
    return options;
  }

  /** Reference folder, or null. */
  public File reference() {
    return reference;
  }

  /** Where the result is written. */
  public File out() {
    return out;
  }

  /**
   * Runs the benchmark and writes its result to {@link #out()}. A benchmark that cannot run gives
   * a result with status {@code error}; only failing to write the file throws.
   */
  public BenchmarkResult execute(DeviceInfo device, List<MemoryProbe> probes) throws IOException {
    Benchmark bench =
        Benchmark.builder().options(options).device(device).memoryProbes(probes).build();
    BenchmarkResult result;
    try {
      ReferenceData ref = reference == null ? null : ReferenceData.load(reference);
      result = bench.run(backend, model, ref);
    } catch (BenchmarkException e) {
      result = bench.errorResult(backend, model, e);
    }
    write(result, out);
    return result;
  }

  /**
   * Writes an {@code error} result for arguments {@link #fromArgs} rejected, to the {@code out}
   * they name if it is a plain string, else to {@link #DEFAULT_OUT} in {@code baseDir}; so a
   * caller polling for the result file always gets one. Returns the file written.
   */
  public static File writeArgumentError(
      Map<String, ?> args, File baseDir, BenchmarkException e, DeviceInfo device)
      throws IOException {
    Object o = args.get("out");
    File target = resolve(baseDir, o instanceof String ? (String) o : DEFAULT_OUT);
    Object m = args.get("model");
    File model = resolve(baseDir, m == null ? "" : m.toString());
    Object b = args.get("backend");
    BenchmarkResult r =
        Benchmark.builder()
            .device(device)
            .memoryProbes(Collections.<MemoryProbe>emptyList())
            .build().errorResult(b == null ? "unknown" : b.toString(), model, e);
    write(r, target);
    return target;
  }

  /** Writes {@code result} as UTF-8 JSON through a temporary file moved into place. */
  public static void write(BenchmarkResult result, File file) throws IOException {
    try {
      AtomicFiles.write(file.toPath(), (result.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (GraftException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** One line for logs and screens, e.g. {@code passed ort/cpu p50 1.23 ms …}. */
  public static String summary(BenchmarkResult r) {
    String head = r.status().jsonName() + " " + r.backend() + "/"
        + r.options().accelerator().jsonName();
    if (r.error() != null) {
      return head + ": " + r.error().message();
    }
    Stats s = r.stats();
    String check = r.outputCheck().status().jsonName()
        + (r.outputCheck().reason() == null ? "" : " (" + r.outputCheck().reason() + ")");
    return String.format(Locale.ROOT,
        "%s load %.1f ms, first %.2f ms, p50 %.3f ms, mean %.3f ± %.3f ms over %d runs;"
            + " outputs %s", head, r.timings().loadMs(), r.timings().firstInferenceMs(),
        s.p50(), s.mean(), s.std(), s.count(), check);
  }

  private static File resolve(File baseDir, String path) {
    File f = new File(path);
    return f.isAbsolute() || baseDir == null ? f : new File(baseDir, path);
  }

  private static BenchmarkException bad(String message) {
    return new BenchmarkException(BenchmarkException.Code.BAD_INPUT, message);
  }

  private static String str(Map<String, ?> args, String key, String dflt) {
    Object v = args.get(key);
    return v == null ? dflt : v.toString();
  }

  private static int integer(Map<String, ?> args, String key, int dflt) {
    Object v = args.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).intValue();
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  private static double number(Map<String, ?> args, String key) {
    Object v = args.get(key);
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option '" + key + "' must be a number, got '" + v + "'");
    }
  }

  private static boolean bool(Map<String, ?> args, String key) {
    Object v = args.get(key);
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("1")) {
      return true;
    }
    if (s.equals("false") || s.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException("Option '" + key + "' must be true or false, got '" + v + "'");
  }
}
