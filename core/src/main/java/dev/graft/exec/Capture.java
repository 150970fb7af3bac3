package dev.graft.exec;

import dev.graft.GraftException;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Graph;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Records tensors of a model over a calibration set: the tensors become the graph's outputs, the
 * set runs through ONNX Runtime in batches, and each batch streams into an {@link
 * ActivationStore}.
 *
 * <pre>{@code
 * try (ActivationStore s = Capture.run(model, List.of(entry, exit), data,
 *     new Capture.Options(64, Device.CPU, dir, null))) { ... }
 * }</pre>
 */
public final class Capture {
  private Capture() {}

  /** Reports progress: samples done out of the total. */
  @FunctionalInterface
  public interface Listener {
    void progress(long done, long total);
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

  public static ActivationStore run(
      Graph model, List<String> tensors, CalibrationSource data, Options options) {
    List<String> computed = new ArrayList<>();
    for (String t : tensors) {
      if (!model.inputNames().contains(t)) {
        computed.add(t);
      }
    }
    Graph g = withOutputs(model, computed.isEmpty() ? model.outputNames() : computed);
    int total = data.size();
    if (total == 0) {
      throw GraftException.badInput("calibration set %s is empty", data.describe());
    }
    ActivationStore store = null;
    try (OrtRunner runner = OrtRunner.open(g, options.device())) {
      LinkedHashSet<String> names = new LinkedHashSet<>(tensors);
      for (int start = 0; start < total; start += options.batchSize()) {
        int n = Math.min(options.batchSize(), total - start);
        Map<String, NdArray> feed = data.batch(start, n);
        Map<String, NdArray> ran = runner.run(feed, new LinkedHashSet<>(g.outputNames()));
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (String t : names) {
          out.put(t, feed.containsKey(t) ? feed.get(t) : ran.get(t));
        }
        if (store == null) {
          Map<String, long[]> rowShapes = new LinkedHashMap<>();
          for (String t : names) {
            long[] s = out.get(t).shape();
            rowShapes.put(t, java.util.Arrays.copyOfRange(s, 1, s.length));
          }
          store = ActivationStore.create(options.directory(), rowShapes);
        }
        store.append(out);
        if (options.listener() != null) {
          options.listener().progress(start + n, total);
        }
      }
      return store;
    } catch (RuntimeException e) {
      if (store != null) {
        store.delete();
      }
      throw e;
    }
  }
}
