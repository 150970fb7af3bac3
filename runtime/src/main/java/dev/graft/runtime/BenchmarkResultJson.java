package dev.graft.runtime;

import dev.graft.io.DType;
import dev.graft.io.Json;
import dev.graft.runtime.BenchmarkResult.ErrorInfo;
import dev.graft.runtime.BenchmarkResult.InputInfo;
import dev.graft.runtime.BenchmarkResult.ModelInfo;
import dev.graft.runtime.BenchmarkResult.Timings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link BenchmarkResult} to and from schema {@value BenchmarkResult#SCHEMA} JSON. Field names
 * are snake_case; durations end in {@code _ms}, sizes in {@code _bytes}; null fields are left
 * out. The reader ignores fields it does not know, so results written by later
 * {@code graft.bench/1} writers stay readable.
 */
final class BenchmarkResultJson {
  private BenchmarkResultJson() {}

  /** The result as pretty-printed JSON. */
  public static String write(BenchmarkResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema", BenchmarkResult.SCHEMA);
    m.put("status", r.status().jsonName());
    m.put("created", r.created());
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("path", r.model().path());
    model.put("size_bytes", r.model().sizeBytes());
    putIf(model, "sha256", r.model().sha256());
    m.put("model", model);
    Map<String, Object> backend = new LinkedHashMap<>();
    backend.put("name", r.backend());
    backend.put("details", new LinkedHashMap<String, Object>(r.backendDetails()));
    m.put("backend", backend);
    m.put("options", TreeCodec.options(r.options()));
    m.put("device", TreeCodec.device(r.device()));
    List<Object> inputs = new ArrayList<>();
    for (InputInfo in : r.inputs()) {
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("index", in.index());
      i.put("name", in.name());
      i.put("dtype", in.dtype().jsonName());
      i.put("shape", TreeCodec.longs(in.shape()));
      i.put("source", in.source());
      inputs.add(i);
    }
    m.put("inputs", inputs);
    if (r.timings() != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("load_ms", r.timings().loadMs());
      t.put("first_inference_ms", r.timings().firstInferenceMs());
      List<Object> runs = new ArrayList<>();
      for (double d : r.timings().runsMs()) {
        runs.add(d);
      }
      t.put("runs_ms", runs);
      m.put("timings", t);
    }
    if (r.stats() != null) {
      m.put("stats", TreeCodec.stats(r.stats()));
    }
    List<Object> memory = new ArrayList<>();
    for (MemoryUsage u : r.memory()) {
      Map<String, Object> mu = new LinkedHashMap<>();
      mu.put("probe", u.probe());
      mu.put("baseline_bytes", u.baselineBytes());
      mu.put("after_load_bytes", u.afterLoadBytes());
      mu.put("peak_bytes", u.peakBytes());
      mu.put("peak_source", u.peakSource());
      memory.add(mu);
    }
    m.put("memory", memory);
    if (r.outputCheck() != null) {
      m.put("output_check", TreeCodec.check(r.outputCheck()));
    }
    if (r.error() != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("code", r.error().code());
      e.put("message", r.error().message());
      m.put("error", e);
    }
    return Json.write(m);
  }

  /**
   * Reads a result.
   *
   * @throws IllegalArgumentException naming the missing or malformed field, or the schema id
   *     when it is not {@value BenchmarkResult#SCHEMA}
   */
  public static BenchmarkResult read(String json) {
    Object tree = Json.parse(json);
    Fields f = Fields.root(tree);
    String schema = f.string("schema");
    if (!BenchmarkResult.SCHEMA.equals(schema)) {
      throw new IllegalArgumentException(
          "Unsupported result schema '" + schema + "', this reader knows " + BenchmarkResult.SCHEMA);
    }
    BenchmarkResult.Builder b = BenchmarkResult.builder();
    b.created(f.string("created"));
    Fields model = f.object("model");
    b.model(new ModelInfo(model.string("path"), model.longValue("size_bytes"),
        model.optString("sha256")));
    Fields backend = f.object("backend");
    b.backend(backend.string("name"));
    Map<String, String> details = new LinkedHashMap<>();
    Fields d = backend.object("details");
    for (String key : d.keys()) {
      details.put(key, d.optString(key));
    }
    b.backendDetails(details);
    b.options(readOptions(f.object("options")));
    b.device(TreeCodec.readDevice(f.object("device")));
    for (Fields in : f.objects("inputs")) {
      b.addInput(new InputInfo((int) in.longValue("index"), in.string("name"),
          dtype(in, "dtype"), in.longs("shape"), in.string("source")));
    }
    if (f.has("timings")) {
      Fields t = f.object("timings");
      b.timings(new Timings(t.doubleValue("load_ms"), t.doubleValue("first_inference_ms"),
          t.doubles("runs_ms")));
    }
    if (f.has("stats")) {
      Fields s = f.object("stats");
      b.stats(new Stats((int) s.longValue("count"), s.doubleValue("mean_ms"),
          s.doubleValue("std_ms"), s.doubleValue("min_ms"), s.doubleValue("max_ms"),
          s.doubleValue("p50_ms"), s.doubleValue("p90_ms"), s.doubleValue("p99_ms")));
    }
    for (Fields mu : f.objects("memory")) {
      b.addMemory(new MemoryUsage(mu.string("probe"), mu.longValue("baseline_bytes"),
          mu.longValue("after_load_bytes"), mu.longValue("peak_bytes"),
          mu.string("peak_source")));
    }
    if (f.has("output_check")) {
      b.outputCheck(TreeCodec.readCheck(f.object("output_check")));
    }
    if (f.has("error")) {
      Fields e = f.object("error");
      b.error(new ErrorInfo(e.string("code"), e.string("message")));
    }
    BenchmarkResult r = b.build();
    String status = f.string("status");
    if (!r.status().jsonName().equals(status)) {
      throw new IllegalArgumentException("Result field 'status' is '" + status
          + "' but its contents say '" + r.status().jsonName() + "'");
    }
    return r;
  }

  private static BenchmarkOptions readOptions(Fields o) {
    BenchmarkOptions.Builder b = BenchmarkOptions.builder()
        .warmup((int) o.longValue("warmup"))
        .runs((int) o.longValue("runs"))
        .threads((int) o.longValue("threads"))
        .allowFp16(o.bool("allow_fp16"))
        .atol(o.doubleValue("atol"))
        .rtol(o.doubleValue("rtol"))
        .seed(o.longValue("seed"));
    try {
      b.accelerator(Accelerator.parse(o.string("accelerator")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Result field 'options.accelerator': " + e.getMessage());
    }
    if (o.has("xnnpack")) {
      b.xnnpack(o.bool("xnnpack"));
    }
    return b.build();
  }

  /** The element types a benchmark feeds and compares (the schema's {@code dtype} values). */
  private static final List<DType> BENCH_TYPES =
      Arrays.asList(DType.FLOAT, DType.INT8, DType.UINT8, DType.INT32, DType.INT64);

  static DType dtype(Fields f, String key) {
    String name = f.string(key);
    List<String> names = new ArrayList<>();
    for (DType t : BENCH_TYPES) {
      if (t.jsonName().equals(name)) {
        return t;
      }
      names.add(t.jsonName());
    }
    throw new IllegalArgumentException("Result field '" + f.path(key) + "': Unknown dtype '"
        + name + "', expected one of " + names);
  }

  static void putIf(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
