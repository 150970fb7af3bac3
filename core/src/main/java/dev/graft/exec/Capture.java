package dev.graft.exec;

import dev.graft.GraftException;
import dev.graft.data.ArraySource;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Graph;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Records tensors of models over a calibration set, the one recording path of Graft, on the
 * device asked for: the tensors become the graph's outputs, the set runs through ONNX Runtime in
 * batches, and each batch goes to a sink ({@link #stream}: thinning, low-rank and simplify
 * accumulate statistics whose size does not grow with the data) or into a file-backed {@link
 * ActivationStore} ({@link #run}: replacement trains on the rows).
 *
 * <pre>{@code
 * try (ActivationStore s = Capture.run(model, List.of(entry, exit), data,
 *     new Capture.Options(64, Device.CPU, dir, null))) { ... }
 * Capture.stream(data, 256, device, List.of(student, teacher), List.of(List.of("h1"), List.of("y")),
 *     (start, t) -> accumulate(t.get(0).get("h1"), t.get(1).get("y")));
 * }</pre>
 */
public final class Capture {
  private Capture() {}

  /** Reports progress: samples done out of the total. */
  @FunctionalInterface
  public interface Listener {
    void progress(long done, long total);
  }

  /** Receives one batch: its first sample index and, per graph, the tensors asked of it. */
  @FunctionalInterface
  public interface BatchSink {
    void accept(int start, List<Map<String, NdArray>> tensors);
  }

  /** Batch size, device, the store's folder, and an optional progress listener. */
  public record Options(int batchSize, Device device, Path directory, Listener listener) {}

  /** The model with exactly the given tensors as its outputs. */
  public static Graph withOutputs(Graph model, List<String> tensors) {
    Graph shaped = ShapeInference.infer(model);
    List<ValueInfo> outs = new ArrayList<>();
    for (String t : new LinkedHashSet<>(tensors)) {
      ValueInfo v = shaped.info(t).orElse(null);
      if (v == null) {
        throw GraftException.badInput("tensor '%s' is not in the model", t);
      }
      if (v.type() != DType.FLOAT) {
        throw GraftException.badInput("tensor '%s' is %s; Graft records float32 tensors", t,
            v.type());
      }
      outs.add(v);
    }
    return model.toBuilder().outputs(outs).build();
  }

  /** Records the tensors into a new store in {@code options.directory()}; close the store. */
  public static ActivationStore run(
      Graph model, List<String> tensors, CalibrationSource data, Options options) {
    Graph g = withOutputs(model, computed(model, tensors));
    int total = data.size();
    if (total == 0) {
      throw GraftException.badInput("calibration set %s is empty", data.describe());
    }
    ActivationStore[] store = {null};
    try {
      stream(data, options.batchSize(), options.device(), List.of(g), List.of(tensors),
          (start, got) -> {
            Map<String, NdArray> out = got.get(0);
            if (store[0] == null) {
              Map<String, long[]> rowShapes = new LinkedHashMap<>();
              out.forEach((t, a) -> rowShapes.put(t, Arrays.copyOfRange(a.shape(), 1,
                  a.shape().length)));
              store[0] = ActivationStore.create(options.directory(), rowShapes);
            }
            store[0].append(out);
            if (options.listener() != null) {
              options.listener().progress(Math.min(start + options.batchSize(), total), total);
            }
          });
      return store[0];
    } catch (RuntimeException e) {
      if (store[0] != null) {
        store[0].delete();
      }
      throw e;
    }
  }

  /**
   * Runs every graph on each batch of {@code data} on {@code device} and passes the tensors asked
   * of each graph (inputs or intermediates) to the sink, batch after batch. Graphs run side by
   * side so that the sink sees the same samples from all of them; only one batch of activations
   * is in memory at a time.
   */
  public static void stream(CalibrationSource data, int batch, Device device, List<Graph> graphs,
      List<List<String>> tensors, BatchSink sink) {
    List<OrtRunner> runners = new ArrayList<>();
    try {
      for (int i = 0; i < graphs.size(); i++) {
        runners.add(OrtRunner.open(only(graphs.get(i), tensors.get(i)), device));
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

  /** The graph outputs for in-memory inputs, on the CPU. */
  public static Map<String, NdArray> run(Graph g, Map<String, NdArray> inputs) {
    return record(g, inputs, g.outputNames(), 512);
  }

  /**
   * The named tensors with all rows of the inputs, held in memory and computed on the CPU: for
   * small sets (tests, constant folding). Calibration-sized work streams with {@link #stream}.
   */
  public static Map<String, NdArray> record(
      Graph g, Map<String, NdArray> inputs, List<String> tensors, int batch) {
    if (inputs.isEmpty()) {
      try (OrtRunner r = OrtRunner.open(withExtraOutputs(g, tensors), Device.CPU)) {
        return r.run(Map.of(), new LinkedHashSet<>(tensors));
      }
    }
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    tensors.forEach(t -> parts.put(t, new ArrayList<>()));
    stream(ArraySource.of(inputs), batch, Device.CPU, List.of(g), List.of(tensors),
        (start, t) -> t.get(0).forEach((k, v) -> parts.get(k).add(v)));
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((k, v) -> out.put(k, v.size() == 1 ? v.get(0) : NdArray.concatRows(v)));
    return out;
  }

  /** The asked tensors that the graph computes (not its inputs). */
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

  /** The graph with its outputs followed by the asked tensors that are not outputs already. */
  private static Graph withExtraOutputs(Graph g, List<String> tensors) {
    List<ValueInfo> outs = new ArrayList<>(g.outputs());
    for (String t : computed(g, tensors)) {
      if (!g.outputNames().contains(t)) {
        outs.add(new ValueInfo(t, g.info(t).map(ValueInfo::type).orElse(DType.FLOAT), null));
      }
    }
    return g.toBuilder().outputs(outs).build();
  }
}
