package dev.graft.runtime.litert;

import dev.graft.GraftException;
import dev.graft.io.Json;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.io.Temporaries;
import dev.graft.runtime.Accelerator;
import dev.graft.runtime.BenchmarkException.Code;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.BenchmarkResult.InputInfo;
import dev.graft.runtime.BenchmarkResult.ModelInfo;
import dev.graft.runtime.BenchmarkResult.Timings;
import dev.graft.runtime.BenchmarkResult;
import dev.graft.runtime.DeviceInfo;
import dev.graft.runtime.OutputCheck;
import dev.graft.runtime.ReferenceData;
import dev.graft.runtime.Stats;
import dev.graft.runtime.TensorSpec;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmarks a {@code .tflite} model in LiteRT's WebAssembly build by running {@code node
 * tools/litert-runner/cli.mjs}. Its contract: {@code bench MODEL [--input a.npy]… [--warmup N]
 * [--runs N]} prints one JSON line {@code {"backend","load_ms","first_inference_ms","runs_ms"}};
 * {@code run MODEL --input a.npy… --out DIR} writes {@code DIR/output_<i>.npy} and prints {@code
 * {"outputs":[{"index","name","shape","dtype","path"}]}}; exit status 2 for bad input, 1 for a
 * failure, with a one-line message on stderr. Each input is passed as its own {@code --input}.
 *
 * <pre>{@code
 * LiteRtNodeRunner runner = LiteRtNodeRunner.locate();
 * if (runner.unavailableReason() == null) {
 *   BenchmarkResult r = runner.bench(model, reference, options, DeviceInfo.fromSystem());
 * }
 * }</pre>
 *
 * <p>Timings come from the runner (it times inside Node); memory is not reported. Only CPU (and
 * XNNPACK, which LiteRT's wasm CPU path uses) are offered.
 */
public final class LiteRtNodeRunner {
  private final LiteRtNode node;
  private final long timeoutSeconds;

  /** A benchmark backend over {@code node}, killing a runner that takes over 600 s. */
  public LiteRtNodeRunner(LiteRtNode node) {
    this(node, 600);
  }

  /** As above, killing a runner that takes longer than {@code timeoutSeconds}. */
  public LiteRtNodeRunner(LiteRtNode node, long timeoutSeconds) {
    this.node = node;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Over the runner {@link LiteRtNode#locate()} finds. */
  public static LiteRtNodeRunner locate() {
    return new LiteRtNodeRunner(LiteRtNode.locate());
  }

  /** The runner's program, {@code cli.mjs}. */
  public File cli() {
    return node.cli();
  }

  /**
   * Null when the runner can be used; otherwise why not (see {@link
   * LiteRtNode#unavailableReason()}), for a test skip or an error message.
   */
  public String unavailableReason() {
    return node.unavailableReason();
  }

  /**
   * Benchmarks {@code model}: the runner's timings, and its outputs on the reference inputs
   * checked against the reference outputs.
   *
   * @param reference inputs (and outputs) to use, or null to let the runner pick inputs
   * @throws BenchmarkException MODEL_NOT_FOUND; BACKEND_UNAVAILABLE (runner missing, GPU/NNAPI
   *     asked); BAD_INPUT when the runner exits 2; RUN_FAILED when it exits otherwise
   */
  public BenchmarkResult bench(
      File model, ReferenceData reference, BenchmarkOptions options, DeviceInfo device)
      throws BenchmarkException {
    prepare(model, options);
    String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    File tmp = tempDir();
    try {
      List<String> inputArgs = writeInputs(reference, tmp);
      List<String> cmd = listOf("bench", model.getPath());
      cmd.addAll(inputArgs);
      cmd.addAll(listOf("--warmup", Integer.toString(options.warmup()),
          "--runs", Integer.toString(options.runs())));
      Map<String, Object> json = invoke(cmd);
      double[] runs = numbers(json, "runs_ms");
      if (runs.length == 0) {
        throw new BenchmarkException(Code.RUN_FAILED, "LiteRT runner reported no timed runs");
      }
      BenchmarkResult.Builder b = BenchmarkResult.builder()
          .created(created)
          .model(new ModelInfo(model.getPath(), model.length(), null))
          .backend(String.valueOf(json.get("backend")))
          .backendDetails(details())
          .options(options)
          .device(device)
          .timings(new Timings(number(json, "load_ms"), number(json, "first_inference_ms"), runs))
          .stats(Stats.of(runs));
      OutputCheck check = OutputCheck.skipped(options.atol(), options.rtol(),
          "No reference outputs given");
      if (reference != null) {
        for (int i = 0; i < reference.inputs().size(); i++) {
          NdArray in = reference.inputs().get(i);
          b.addInput(new InputInfo(i, "input_" + i, in.type(), in.shape(), "reference"));
        }
        if (!reference.outputs().isEmpty()) {
          List<TensorSpec> specs = new ArrayList<>();
          List<NdArray> outputs = runIn(model, inputArgs, new File(tmp, "out"), specs);
          check = OutputCheck.compare(specs, outputs, reference.outputs(), options.atol(),
              options.rtol());
        }
      }
      return b.outputCheck(check).build();
    } catch (BenchmarkException e) {
      throw asReference(e, tmp);
    } finally {
      deleteTree(tmp);
    }
  }

  /**
   * {@code e} with the scratch copies of the reference inputs named as the user knows them: the
   * runner reads {@code SCRATCH/input_0.npy}, the user wrote {@code DIR/input_0.npy}.
   */
  private static BenchmarkException asReference(BenchmarkException e, File scratch) {
    String prefix = scratch.getPath() + File.separator;
    String m = e.getMessage();
    return m == null || !m.contains(prefix) ? e
        : new BenchmarkException(e.code(), m.replace(prefix, "reference "), e);
  }

  /**
   * Runs {@code model} once on {@code inputs} and returns its outputs.
   *
   * @throws BenchmarkException as {@link #bench}
   */
  public List<NdArray> run(File model, List<NdArray> inputs) throws BenchmarkException {
    prepare(model, BenchmarkOptions.builder().build());
    File tmp = tempDir();
    try {
      List<String> args = writeInputs(ReferenceData.of(inputs, new ArrayList<NdArray>()), tmp);
      return runIn(model, args, new File(tmp, "out"), new ArrayList<TensorSpec>());
    } finally {
      deleteTree(tmp);
    }
  }

  private List<NdArray> runIn(File model, List<String> inputArgs, File outDir,
      List<TensorSpec> specs) throws BenchmarkException {
    List<String> cmd = listOf("run", model.getPath());
    cmd.addAll(inputArgs);
    cmd.addAll(listOf("--out", outDir.getPath()));
    Map<String, Object> json = invoke(cmd);
    Object outs = json.get("outputs");
    if (!(outs instanceof List)) {
      throw new BenchmarkException(Code.RUN_FAILED, "LiteRT runner printed no 'outputs' list");
    }
    List<NdArray> arrays = new ArrayList<>();
    for (Object o : (List<?>) outs) {
      Map<?, ?> m = (Map<?, ?>) o;
      File path = new File(String.valueOf(m.get("path")));
      if (!path.isAbsolute()) {
        path = new File(outDir, path.getName());
      }
      try {
        NdArray a = Npy.readAsStored(path.toPath());
        arrays.add(a);
        specs.add(new TensorSpec(arrays.size() - 1, String.valueOf(m.get("name")), a.type(),
            a.shape()));
      } catch (GraftException e) {
        throw new BenchmarkException(Code.RUN_FAILED, "LiteRT runner output: " + e.getMessage(), e);
      }
    }
    return arrays;
  }

  private void prepare(File model, BenchmarkOptions options) throws BenchmarkException {
    if (!model.isFile()) {
      throw new BenchmarkException(Code.MODEL_NOT_FOUND, "Model file not found: " + model);
    }
    Accelerator a = options.accelerator();
    if (a != Accelerator.CPU && a != Accelerator.XNNPACK) {
      throw new BenchmarkException(Code.BACKEND_UNAVAILABLE, "Accelerator " + a.jsonName()
          + " is not offered by the LiteRT wasm runner, expected one of [cpu, xnnpack]");
    }
    String why = unavailableReason();
    if (why != null) {
      throw new BenchmarkException(Code.BACKEND_UNAVAILABLE, why);
    }
  }

  private Map<String, Object> invoke(List<String> args) throws BenchmarkException {
    LiteRtNode.Answer o;
    try {
      o = node.call(args, timeoutSeconds);
    } catch (IOException e) {
      throw new BenchmarkException(Code.BACKEND_UNAVAILABLE,
          "Cannot run the LiteRT runner: " + e.getMessage(), e);
    }
    if (o.exitCode() != 0) {
      throw new BenchmarkException(o.exitCode() == 2 ? Code.BAD_INPUT : Code.RUN_FAILED,
          "LiteRT runner: " + o.message());
    }
    String line = o.lastLine();
    try {
      return Json.parseObject(line);
    } catch (IllegalArgumentException e) {
      throw new BenchmarkException(Code.RUN_FAILED,
          "LiteRT runner printed no JSON object on its last line: '" + line + "'");
    }
  }

  private Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("runner", node.cli().getPath());
    String version = node.nodeVersion();
    if (version != null) {
      d.put("node", version);
    }
    return d;
  }

  private static List<String> writeInputs(ReferenceData reference, File dir)
      throws BenchmarkException {
    List<String> args = new ArrayList<>();
    if (reference == null) {
      return args;
    }
    for (int i = 0; i < reference.inputs().size(); i++) {
      File f = new File(dir, "input_" + i + ".npy");
      try {
        Npy.writeScratch(f.toPath(), reference.inputs().get(i));
      } catch (GraftException e) {
        throw new BenchmarkException(Code.RUN_FAILED, "Cannot write " + f + ": " + e.getMessage());
      }
      args.add("--input");
      args.add(f.getPath());
    }
    return args;
  }

  private static double number(Map<String, Object> json, String key) throws BenchmarkException {
    Object v = json.get(key);
    if (!(v instanceof Number)) {
      throw new BenchmarkException(Code.RUN_FAILED, "LiteRT runner JSON lacks number '" + key
          + "'");
    }
    return ((Number) v).doubleValue();
  }

  private static double[] numbers(Map<String, Object> json, String key)
      throws BenchmarkException {
    Object v = json.get(key);
    if (!(v instanceof List)) {
      throw new BenchmarkException(Code.RUN_FAILED, "LiteRT runner JSON lacks list '" + key + "'");
    }
    List<?> l = (List<?>) v;
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) l.get(i)).doubleValue();
    }
    return out;
  }

  private static File tempDir() throws BenchmarkException {
    try {
      return Temporaries.folder("graft-litert").toFile();
    } catch (GraftException e) {
      throw new BenchmarkException(Code.RUN_FAILED, e.getMessage(), e);
    }
  }

  private static void deleteTree(File f) {
    Temporaries.delete(f.toPath());
  }

  private static List<String> listOf(String... items) {
    List<String> l = new ArrayList<>();
    for (String s : items) {
      l.add(s);
    }
    return l;
  }
}
