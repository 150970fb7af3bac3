package dev.graft.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parts of a result written and read in the same shape: options, device, stats, check. */
final class TreeCodec {
  private TreeCodec() {}

  static Map<String, Object> options(BenchmarkOptions o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("warmup", o.warmup());
    m.put("runs", o.runs());
    m.put("threads", o.threads());
    m.put("accelerator", o.accelerator().jsonName());
    BenchmarkResultJson.putIf(m, "xnnpack", o.xnnpack());
    m.put("allow_fp16", o.allowFp16());
    m.put("atol", o.atol());
    m.put("rtol", o.rtol());
    m.put("seed", o.seed());
    return m;
  }

  static Map<String, Object> device(DeviceInfo d) {
    Map<String, Object> m = new LinkedHashMap<>();
    BenchmarkResultJson.putIf(m, "platform", d.platform());
    BenchmarkResultJson.putIf(m, "os", d.os());
    BenchmarkResultJson.putIf(m, "os_version", d.osVersion());
    BenchmarkResultJson.putIf(m, "arch", d.arch());
    m.put("cpu_cores", d.cpuCores());
    BenchmarkResultJson.putIf(m, "vm", d.vm());
    BenchmarkResultJson.putIf(m, "vm_version", d.vmVersion());
    BenchmarkResultJson.putIf(m, "manufacturer", d.manufacturer());
    BenchmarkResultJson.putIf(m, "model", d.model());
    BenchmarkResultJson.putIf(m, "device", d.device());
    BenchmarkResultJson.putIf(m, "sdk_int", d.sdkInt());
    BenchmarkResultJson.putIf(m, "fingerprint", d.fingerprint());
    BenchmarkResultJson.putIf(m, "soc", d.soc());
    if (!d.abis().isEmpty()) {
      m.put("abis", new ArrayList<Object>(d.abis()));
    }
    if (!d.extra().isEmpty()) {
      m.put("extra", new LinkedHashMap<String, Object>(d.extra()));
    }
    return m;
  }

  static DeviceInfo readDevice(Fields f) {
    DeviceInfo.Builder b = DeviceInfo.builder()
        .platform(f.optString("platform"))
        .os(f.optString("os"))
        .osVersion(f.optString("os_version"))
        .arch(f.optString("arch"))
        .cpuCores((int) f.longValue("cpu_cores"))
        .vm(f.optString("vm"))
        .vmVersion(f.optString("vm_version"))
        .manufacturer(f.optString("manufacturer"))
        .model(f.optString("model"))
        .device(f.optString("device"))
        .sdkInt(f.has("sdk_int") ? Integer.valueOf((int) f.longValue("sdk_int")) : null)
        .fingerprint(f.optString("fingerprint"))
        .soc(f.optString("soc"));
    if (f.has("abis")) {
      b.abis(f.strings("abis"));
    }
    if (f.has("extra")) {
      Fields extra = f.object("extra");
      for (String key : extra.keys()) {
        b.extra(key, extra.optString(key));
      }
    }
    return b.build();
  }

  static Map<String, Object> stats(Stats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", s.count());
    m.put("mean_ms", s.mean());
    m.put("std_ms", s.std());
    m.put("min_ms", s.min());
    m.put("max_ms", s.max());
    m.put("p50_ms", s.p50());
    m.put("p90_ms", s.p90());
    m.put("p99_ms", s.p99());
    return m;
  }

  static Map<String, Object> check(OutputCheck c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", c.status().jsonName());
    m.put("atol", c.atol());
    m.put("rtol", c.rtol());
    BenchmarkResultJson.putIf(m, "reason", c.reason());
    List<Object> outs = new ArrayList<>();
    for (OutputCheck.Comparison o : c.outputs()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("index", o.index());
      e.put("name", o.name());
      e.put("dtype", o.dtype().jsonName());
      e.put("shape", longs(o.shape()));
      e.put("elements", o.elements());
      e.put("max_abs_err", o.maxAbsErr());
      e.put("mismatches", o.mismatches());
      e.put("passed", o.passed());
      BenchmarkResultJson.putIf(e, "reason", o.reason());
      outs.add(e);
    }
    m.put("outputs", outs);
    return m;
  }

  static OutputCheck readCheck(Fields f) {
    String status = f.string("status");
    OutputCheck.Status st;
    try {
      st = OutputCheck.Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Result field '" + f.path("status") + "' is '" + status
          + "', expected one of [passed, failed, skipped]");
    }
    List<OutputCheck.Comparison> outs = new ArrayList<>();
    for (Fields o : f.objects("outputs")) {
      outs.add(new OutputCheck.Comparison((int) o.longValue("index"), o.string("name"),
          BenchmarkResultJson.dtype(o, "dtype"), o.longs("shape"), o.longValue("elements"),
          o.doubleValue("max_abs_err"), o.longValue("mismatches"), o.bool("passed"),
          o.optString("reason")));
    }
    return new OutputCheck(st, f.doubleValue("atol"), f.doubleValue("rtol"),
        f.optString("reason"), outs);
  }

  static List<Object> longs(long[] values) {
    List<Object> l = new ArrayList<>();
    for (long v : values) {
      l.add(v);
    }
    return l;
  }
}
