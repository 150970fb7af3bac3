package dev.graft.simplify;

import dev.graft.data.ArraySource;
import dev.graft.data.CalibrationSource;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs graphs in ONNX Runtime (CPU) over a calibration set, batch by batch, and hands each batch
 * of named tensors (graph outputs or intermediates, which become extra outputs) to a sink.
 * Thinning, low-rank and simplify accumulate what they need per batch (second moments XᵀX and
 * cross terms XᵀY, per-unit minima and maxima), whose size does not grow with the data, so only
 * one batch of activations is in memory at a time; they need no file-backed store.
 *
 * <pre>{@code
 * Recorder.stream(data, 256, List.of(student, teacher), List.of(List.of("h1"), List.of("y")),
 *     (start, t) -> accumulate(t.get(0).get("h1"), t.get(1).get("y")));
 * }</pre>
 */
public final class Recorder {
  /** Receives one batch: its first sample index and, per graph, the tensors asked of it. */
  @FunctionalInterface
  public interface BatchSink {
    void accept(int start, List<Map<String, NdArray>> tensors);
  }

  private Recorder() {}

  /**
   * Runs every graph on each batch of {@code data} and passes the tensors asked of each graph to
   * the sink, batch after batch. Graphs are run side by side so that the sink sees the same
   * samples from all of them.
   */
  public static void stream(
      CalibrationSource data, int batch, List<Graph> graphs, List<List<String>> tensors,
      BatchSink sink) {
    List<OrtRunner> runners = new ArrayList<>();
    try {
      for (int i = 0; i < graphs.size(); i++) {
        runners.add(OrtRunner.open(only(graphs.get(i), tensors.get(i)), Device.CPU));
      }
      for (int start = 0; start < data.size(); start += batch) {
        Map<String, NdArray> feed = data.batch(start, Math.min(batch, data.size() - start));
        List<Map<String, NdArray>> out = new ArrayList<>();
        for (int i = 0; i < graphs.size(); i++) {
          Map<String, NdArray> got = new LinkedHashMap<>();
          List<String> asked = tensors.get(i);
          Map<String, NdArray> ran = runners.get(i).run(inputsOf(graphs.get(i), feed),
              new LinkedHashSet<>(computed(graphs.get(i), asked)));
          for (String t : asked) {
            got.put(t, feed.containsKey(t) ? feed.get(t) : ran.get(t));
          }
          out.add(got);
        }
        sink.accept(start, out);
      }
    } finally {
      runners.forEach(OrtRunner::close);
    }
  }

  /** The graph outputs for in-memory inputs. */
  public static Map<String, NdArray> run(Graph g, Map<String, NdArray> inputs) {
    return record(g, inputs, g.outputNames(), 512);
  }

  /**
   * The named tensors with all rows of the inputs, held in memory: for small sets (tests,
   * constant folding). Calibration-sized work streams with {@link #stream}.
   */
  public static Map<String, NdArray> record(
      Graph g, Map<String, NdArray> inputs, List<String> tensors, int batch) {
    if (inputs.isEmpty()) {
      try (OrtRunner r = OrtRunner.open(withOutputs(g, tensors), Device.CPU)) {
        return r.run(Map.of(), new LinkedHashSet<>(tensors));
      }
    }
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    tensors.forEach(t -> parts.put(t, new ArrayList<>()));
    stream(ArraySource.of(inputs), batch, List.of(g), List.of(tensors),
        (start, t) -> t.get(0).forEach((k, v) -> parts.get(k).add(v)));
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((k, v) -> out.put(k, v.size() == 1 ? v.get(0) : NdArray.concatRows(v)));
    return out;
  }

  private static List<String> computed(Graph g, List<String> tensors) {
    List<String> out = new ArrayList<>();
    for (String t : tensors) {
      if (!g.inputNames().contains(t)) {
        out.add(t);
      }
    }
    return out.isEmpty() ? g.outputNames() : out;
  }

  private static Map<String, NdArray> inputsOf(Graph g, Map<String, NdArray> feed) {
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (String in : g.inputNames()) {
      if (feed.containsKey(in)) {
        out.put(in, feed.get(in));
      }
    }
    return out;
  }

  /** The graph with its outputs followed by the asked tensors that are not outputs already. */
  /**
   * The graph cut down to what the asked tensors depend on (often a prefix of the model), with
   * them as its outputs (the graph's outputs when all are inputs).
   */
  private static Graph only(Graph g, List<String> tensors) {
    List<ValueInfo> outs = new ArrayList<>();
    for (String t : new LinkedHashSet<>(computed(g, tensors))) {
      outs.add(new ValueInfo(t, g.info(t).map(ValueInfo::type).orElse(DType.FLOAT), null));
    }
    return g.toBuilder().outputs(outs).pruneUnused().build();
  }

  private static Graph withOutputs(Graph g, List<String> tensors) {
    List<ValueInfo> outs = new ArrayList<>(g.outputs());
    for (String t : computed(g, tensors)) {
      if (!g.outputNames().contains(t)) {
        DType type = g.info(t).map(ValueInfo::type).orElse(DType.FLOAT);
        outs.add(new ValueInfo(t, type, null));
      }
    }
    return g.toBuilder().outputs(outs).build();
  }
}
