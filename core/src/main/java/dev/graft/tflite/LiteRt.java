package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.io.Json;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.runtime.litert.LiteRtNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs TFLite models in LiteRT (Google's runtime compiled to WebAssembly) through {@code
 * tools/litert-runner}, a Node program, as core's calls need them: arrays in and out, the
 * runner's JSON as maps, failures as {@link GraftException}s. Which runner, and whether it can
 * run, is {@link LiteRtNode}'s one answer: the folder named by the system property {@code
 * graft.litert.runner} or the environment variable {@code GRAFT_LITERT_RUNNER} (a path to its
 * {@code cli.mjs} is taken as its folder), else {@code $GRAFT_HOME/tools/litert-runner}, else
 * {@code tools/litert-runner} in the working folder or one above it.
 *
 * <pre>{@code
 * LiteRt rt = LiteRt.locate();
 * List<NdArray> out = rt.run(Path.of("model.tflite"), List.of(x));
 * }</pre>
 *
 * <p>Each call starts one Node process; instances hold no state and may be shared.
 */
public final class LiteRt {
  private static final long TIMEOUT_SECONDS = 600;
  private final LiteRtNode node;

  private LiteRt(LiteRtNode node) {
    this.node = node;
  }

  /** The installed runner; bad input (exit 2) when Node or the runner is missing. */
  public static LiteRt locate() {
    LiteRtNode node = LiteRtNode.locate();
    String why = node.unavailableReason();
    if (why != null) {
      throw GraftException.badInput("%s", why);
    }
    return new LiteRt(node);
  }

  /** True when {@link #locate()} would succeed; for tests that skip without LiteRT. */
  public static boolean available() {
    try {
      locate();
      return true;
    } catch (GraftException e) {
      return false;
    }
  }

  public Path directory() {
    return node.folder().toPath();
  }

  /**
   * Runs a model on inputs given in the model's input order, one row at a time where the model's
   * batch is 1, and returns its outputs in order, rows stacked. int64 token ids (as ONNX models
   * take them) feed the int32 inputs Graft writes: the runner narrows them, refusing (bad input)
   * a value that does not fit.
   */
  public List<NdArray> run(Path model, List<NdArray> inputs) {
    return new ArrayList<>(runNamed(model, inputs).values());
  }

  /** Like {@link #run(Path, List)}, the outputs keyed by the names LiteRT gives them. */
  public Map<String, NdArray> runNamed(Path model, List<NdArray> inputs) {
    Map<String, NdArray> result = new java.util.LinkedHashMap<>();
    forEachOutput(model, inputs, result::put);
    return result;
  }

  /**
   * Like {@link #runNamed(Path, List)}, each output handed to {@code sink} as it is read, so that
   * one output at a time is in memory (a calibration probe of every activation of a CNN at
   * 224×224 is gigabytes in all).
   */
  public void forEachOutput(Path model, List<NdArray> inputs,
      java.util.function.BiConsumer<String, NdArray> sink) {
    Path work = tempDir();
    try {
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Path f = work.resolve("input_" + i + ".npy");
        Npy.writeScratch(f, inputs.get(i));
        files.add(f);
      }
      for (Map<?, ?> m : runFiles(model, files, work.resolve("out"))) {
        Path out = Path.of((String) m.get("path"));
        sink.accept((String) m.get("name"), Npy.readAsStored(out));
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // the folder is removed below
        }
      }
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Runs a model on .npy input files (any dtype the runner takes) and writes its outputs into
   * {@code out}; returns the runner's description of each output: index, name, shape, dtype, path.
   */
  List<Map<?, ?>> runFiles(Path model, List<Path> inputs, Path out) {
    List<String> cmd = new ArrayList<>(List.of("run", model.toAbsolutePath().toString()));
    for (Path f : inputs) {
      cmd.add("--input");
      cmd.add(f.toString());
    }
    cmd.add("--out");
    cmd.add(out.toString());
    List<Map<?, ?>> result = new ArrayList<>();
    for (Object o : (List<?>) Json.parseObject(call(cmd)).get("outputs")) {
      result.add((Map<?, ?>) o);
    }
    return result;
  }

  /** Runs a model held in memory. */
  public List<NdArray> run(byte[] model, List<NdArray> inputs) {
    return new ArrayList<>(runNamed(model, inputs).values());
  }

  /** Runs a model held in memory; outputs keyed by name. */
  public Map<String, NdArray> runNamed(byte[] model, List<NdArray> inputs) {
    Map<String, NdArray> result = new java.util.LinkedHashMap<>();
    forEachOutput(model, inputs, result::put);
    return result;
  }

  /** Runs a model held in memory, handing over one output at a time. */
  public void forEachOutput(byte[] model, List<NdArray> inputs,
      java.util.function.BiConsumer<String, NdArray> sink) {
    Path work = tempDir();
    try {
      Path f = work.resolve("model.tflite");
      Files.write(f, model);
      forEachOutput(f, inputs, sink);
    } catch (IOException e) {
      throw GraftException.failure("cannot write a temporary model: %s", e.getMessage());
    } finally {
      deleteTree(work);
    }
  }

  /** The runner's description of a model: inputs and outputs with names, shapes, dtypes. */
  public Map<String, Object> info(Path model) {
    return Json.parseObject(call(List.of("info", model.toAbsolutePath().toString())));
  }

  /** Latency of a model on LiteRT's CPU (wasm) path, with random inputs of a fixed seed. */
  public Map<String, Object> bench(Path model, int warmup, int runs) {
    return Json.parseObject(call(List.of("bench", model.toAbsolutePath().toString(), "--warmup",
        Integer.toString(warmup), "--runs", Integer.toString(runs))));
  }

  /**
   * Latency of several models measured in one runner process, interleaved: {@code rounds} rounds
   * in which each model runs {@code runs} times in turn, after {@code warmup} untimed runs each.
   * One map per model, in order: {@code min_ms}, {@code median_ms} (wall) and {@code cpu_min_ms},
   * {@code cpu_median_ms} (the runner's CPU time per run).
   */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> compare(List<Path> models, int rounds, int runs, int warmup) {
    List<String> args = new ArrayList<>(List.of("compare"));
    models.forEach(m -> args.add(m.toAbsolutePath().toString()));
    args.addAll(List.of("--rounds", Integer.toString(rounds), "--runs", Integer.toString(runs),
        "--warmup", Integer.toString(warmup)));
    return (List<Map<String, Object>>) Json.parseObject(call(args)).get("models");
  }

  /**
   * Runs many jobs in one runner process (a JSON list of {model, inputs, out}); returns one
   * answer per job, {@code error} set on failed ones.
   */
  public List<Map<String, Object>> runJobs(Path jobsFile) {
    String text = callAllowingFailure(List.of("run", "--batch-file", jobsFile.toString()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        out.add(Json.parseObject(line));
      }
    }
    return out;
  }

  private String call(List<String> args) {
    return exec(args, false);
  }

  private String callAllowingFailure(List<String> args) {
    return exec(args, true);
  }

  private String exec(List<String> args, boolean allowFailure) {
    LiteRtNode.Answer a;
    try {
      a = node.call(args, TIMEOUT_SECONDS);
    } catch (IOException e) {
      throw GraftException.failure("cannot run the LiteRT runner: %s", e.getMessage());
    }
    if (a.exitCode() != 0 && !(allowFailure && !a.stdout().isBlank())) {
      throw GraftException.failure("LiteRT failed (exit %d): %s", a.exitCode(), a.message());
    }
    return a.stdout();
  }

  static Path tempDir() {
    return dev.graft.io.Temporaries.folder("graft-litert");
  }

  static void deleteTree(Path p) {
    dev.graft.io.Temporaries.delete(p);
  }
}
