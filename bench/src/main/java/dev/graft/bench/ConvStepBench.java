package dev.graft.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.graft.exec.Device;
import dev.graft.exec.Session;
import dev.graft.exec.Tensors;
import dev.graft.graph.Graph;
import dev.graft.graph.TensorData;
import dev.graft.io.NdArray;
import dev.graft.train.AdamW;
import dev.graft.train.TrainLoss;
import dev.graft.train.TrainingData;
import dev.graft.train.TrainingGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * One training step of the thin-conv student ({@link ConvTrainBench}'s: ResNet-20 layer2.0..2.2
 * at half width) op by op: the one-step training graph Graft builds runs {@code calls} times in
 * ONNX Runtime with its profiler on, parameters and AdamW state fed back as the Trainer does.
 * Prints the wall time per step (fastest and median) and this process's CPU time per step, then
 * per operator type the sum over its nodes of each node's fastest time across the calls (a
 * shared machine stretches medians; the fastest run of each node is the closest to a quiet one),
 * and the slowest nodes.
 *
 * <p>Arguments: {@code [threads=2] [calls=40] [batch=64] [shard]}; with {@code shard}, the graph
 * one batch shard of a sharded step runs instead ({@code TrainingGraph.gradientGraph}: loss and
 * gradients, no update; its one-thread form where {@code threads} is 1), e.g. {@code 1 40 32
 * shard} for one of the two shards of a batch of 64 on 2 cores.
 */
public final class ConvStepBench {
  private static final int WARMUP = 3;

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    ConvTrainBench.Setup setup = ConvTrainBench.setup(Math.max(batch * 2, 320));
    Graph student = setup.student().graph();
    List<String> params = setup.student().params();
    boolean shard = args.length > 3 && args[3].equals("shard");
    Graph step = shard
        ? TrainingGraph.gradientGraph(student, params, batch, TrainLoss.MSE, threads == 1)
        : TrainingGraph.build(student, params, batch, 1,
            new AdamW(1e-3, 0.9, 0.999, 1e-8, 0, 4, 75, 0.05));
    Map<String, NdArray> rows = setup.data().batch(TrainingData.Split.TRAIN,
        IntStream.range(0, batch).toArray());
    Map<String, OnnxTensor> state = new LinkedHashMap<>();
    int total = 0;
    for (String p : params) {
      TensorData t = student.initializer(p).orElseThrow();
      state.put(p, Tensors.of(t.floats(), t.dims()));
      total += t.floats().length;
    }
    if (!shard) {
      state.put(TrainingGraph.MOMENT1, Tensors.of(new float[total], new long[] {total}));
      state.put(TrainingGraph.MOMENT2, Tensors.of(new float[total], new long[] {total}));
    }
    Map<String, OnnxTensor> data = new HashMap<>();
    data.put(setup.region().entry(), Tensors.of(rows.get(setup.region().entry())));
    data.put(TrainingGraph.TARGET, Tensors.of(rows.get(setup.region().exit())));
    if (!shard) {
      data.put(TrainingGraph.HYPER, Tensors.of(new float[] {1e-4f, 1e-8f, 1f}, new long[] {3}));
    }
    Path dir = Files.createTempDirectory("graft-conv-step");
    double[] wall = new double[calls];
    double cpuMs;
    String profile;
    try (Session s = Session.openProfiled(step, Device.CPU, threads,
        dir.resolve("profile").toString())) {
      OrtSession.Result prev = null;
      long c0 = 0;
      for (int i = -WARMUP; i < calls; i++) {
        if (i == 0) {
          c0 = ThinBench.cpuNanos();
        }
        Map<String, OnnxTensor> feed = new HashMap<>(state);
        feed.putAll(data);
        long t0 = System.nanoTime();
        OrtSession.Result r = s.run(feed);
        if (i >= 0) {
          wall[i] = (System.nanoTime() - t0) / 1e6;
        }
        for (String name : shard ? List.<String>of() : new ArrayList<>(state.keySet())) {
          state.put(name, (OnnxTensor) r.get(TrainingGraph.NEW + name).orElseThrow());
        }
        if (prev != null) {
          prev.close();
        }
        prev = r;
      }
      cpuMs = (ThinBench.cpuNanos() - c0) / 1e6 / calls;
      profile = s.endProfiling();
      prev.close();
    }
    Arrays.sort(wall);
    System.out.printf("thin-conv training step%s, batch %d, %d threads, %d nodes, %d calls after %d "
        + "warm-up: wall per step fastest %.2f ms, median %.2f ms; CPU %.2f ms per step; load %.1f"
        + "%n", shard ? " (one batch shard's gradients)" : "", batch, threads, step.nodes().size(), calls, WARMUP, wall[0], wall[calls / 2],
        cpuMs, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());
    printProfile(Path.of(profile));
    Files.deleteIfExists(Path.of(profile));
    Files.delete(dir);
  }

  /** Per op type and for the slowest nodes, the sum of each node's fastest time after warm-up. */
  private static void printProfile(Path file) throws Exception {
    List<?> events = (List<?>) dev.graft.report.Json.parseTree(Files.readString(file),
        file.toString());
    List<Double> runStarts = new ArrayList<>();
    for (Object o : events) {
      Map<?, ?> e = (Map<?, ?>) o;
      if ("Session".equals(e.get("cat")) && "model_run".equals(e.get("name"))) {
        runStarts.add(((Number) e.get("ts")).doubleValue());
      }
    }
    runStarts.sort(null);
    double from = runStarts.get(WARMUP);
    Map<String, Double> fastest = new HashMap<>();
    Map<String, String> opOf = new HashMap<>();
    for (Object o : events) {
      Map<?, ?> e = (Map<?, ?>) o;
      String name = String.valueOf(e.get("name"));
      if (!"Node".equals(e.get("cat")) || !name.endsWith("_kernel_time")
          || ((Number) e.get("ts")).doubleValue() < from) {
        continue;
      }
      double ms = ((Number) e.get("dur")).doubleValue() / 1e3;
      fastest.merge(name, ms, Math::min);
      opOf.put(name, String.valueOf(((Map<?, ?>) e.get("args")).get("op_name")));
    }
    Map<String, double[]> byOp = new TreeMap<>();
    fastest.forEach((n, ms) -> {
      double[] a = byOp.computeIfAbsent(opOf.get(n), k -> new double[2]);
      a[0] += ms;
      a[1]++;
    });
    double sum = fastest.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("sum of each node's fastest kernel time: %.2f ms over %d nodes%n", sum,
        fastest.size());
    byOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(en -> System.out.printf("  %-16s %7.2f ms %5.1f%% %4d nodes%n", en.getKey(),
            en.getValue()[0], 100 * en.getValue()[0] / sum, (int) en.getValue()[1]));
    System.out.println("slowest nodes (fastest run of each):");
    fastest.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .limit(12).forEach(en -> System.out.printf("  %-10s %-58s %6.3f ms%n",
            opOf.get(en.getKey()), en.getKey().replace("_kernel_time", ""), en.getValue()));
  }
}
