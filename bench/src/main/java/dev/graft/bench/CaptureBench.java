package dev.graft.bench;

import dev.graft.data.RandomSource;
import dev.graft.exec.ActivationStore;
import dev.graft.exec.Capture;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Capture throughput against plain inference, and peak heap while capturing 4 GB.
 *
 * <p>Usage: {@code bench/run CaptureBench [MODEL] [BATCH] [GIGABYTES]}; defaults: the MobileNetV2
 * fixture, batch 16, 4 GB. Random inputs in [0, 1). The captured tensors are the outputs of the
 * nodes at one quarter and one half of the graph, and the model's output. Both throughputs
 * include opening the ONNX Runtime session and generating the inputs. Peak heap is the sum of the heap pools' peaks,
 * an upper bound of the true peak.
 */
public final class CaptureBench {
  private CaptureBench() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args.length > 0 ? args[0] : "fixtures/models/mobilenetv2.onnx");
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    double gigabytes = args.length > 2 ? Double.parseDouble(args[2]) : 4.0;
    Graph g = OnnxReader.read(model);
    var first = g.inputs().get(0).shape().dim(0);
    if (first.isKnown()) {
      batch = (int) first.value(); // the model fixes its batch size
    }
    Graph bound = ShapeInference.bind(g, symbol(g), batch);
    List<Node> nodes = g.nodes();
    // two inner tensors and the model's output, so capture computes the whole graph as plain
    // inference does and the ratio measures only what recording costs
    List<String> tensors = List.of(nodes.get(nodes.size() / 4).output(0),
        nodes.get(nodes.size() / 2).output(0), g.outputNames().get(0));
    Map<String, long[]> rowShapes = new LinkedHashMap<>();
    for (ValueInfo v : g.inputs()) {
      long[] s = bound.info(v.name()).orElseThrow().shape().sizes();
      rowShapes.put(v.name(), java.util.Arrays.copyOfRange(s, 1, s.length));
    }
    long bytesPerSample = 0;
    Graph captured = ShapeInference.bind(Capture.withOutputs(g, tensors), symbol(g), 1);
    for (ValueInfo v : captured.outputs()) {
      bytesPerSample += 4 * v.shape().elementCount().value();
    }
    System.out.printf(Locale.ROOT, "model %s, batch %d, capturing %s (%.1f KB per sample)%n",
        model.getFileName(), batch, tensors, bytesPerSample / 1e3);

    int samples = 400 * batch;
    RandomSource data = new RandomSource(rowShapes, samples, 1, 0f, 1f);
    double plain = plainThroughput(g, data, batch);
    Path dir = Files.createTempDirectory("graft-capture-bench");
    long t0 = System.nanoTime();
    try (ActivationStore s = Capture.run(g, tensors, data,
        new Capture.Options(batch, Device.CPU, dir.resolve("a"), null))) {
      double secs = (System.nanoTime() - t0) / 1e9;
      double capture = samples / secs;
      System.out.printf(Locale.ROOT,
          "plain inference %.1f samples/s, capture %.1f samples/s, ratio %.3f (target >= 0.9)%n",
          plain, capture, capture / plain);
      s.delete();
    }

    int big = (int) Math.ceil(gigabytes * 1e9 / bytesPerSample);
    RandomSource bigData = new RandomSource(rowShapes, big, 2, 0f, 1f);
    System.gc();
    resetPeaks();
    t0 = System.nanoTime();
    try (ActivationStore s = Capture.run(g, tensors, bigData,
        new Capture.Options(batch, Device.CPU, dir.resolve("b"), null))) {
      double secs = (System.nanoTime() - t0) / 1e9;
      long onDisk = 0;
      for (String t : s.tensors()) {
        onDisk += 4L * s.rowSize(t) * s.rows();
      }
      System.out.printf(Locale.ROOT,
          "captured %d samples, %.2f GB in %.1f s; peak heap %.1f MB (target < 512 MB; -Xmx %d MB)%n",
          s.rows(), onDisk / 1e9, secs, peakHeap() / 1e6,
          Runtime.getRuntime().maxMemory() >> 20);
      s.delete();
    }
    Files.deleteIfExists(dir);
  }

  /** Plain inference over the same samples, session creation included as it is for capture. */
  private static double plainThroughput(Graph g, RandomSource data, int batch) {
    long t0 = System.nanoTime();
    try (OrtRunner r = OrtRunner.open(g, Device.CPU)) {
      LinkedHashSet<String> outs = new LinkedHashSet<>(g.outputNames());
      for (int s = 0; s < data.size(); s += batch) {
        Map<String, NdArray> out = r.run(data.batch(s, batch), outs);
        out.size();
      }
      return data.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static String symbol(Graph g) {
    for (ValueInfo v : g.inputs()) {
      for (var d : v.shape().dims()) {
        if (!d.isKnown()) {
          return d.symbol();
        }
      }
    }
    return "batch";
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long sum = 0;
    List<MemoryPoolMXBean> heap = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heap.add(p);
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
