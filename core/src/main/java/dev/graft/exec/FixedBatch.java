package dev.graft.exec;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model whose inputs declare a fixed batch (nearly every published mobile model declares
 * 1) on any number of samples: the rows are cut into chunks of the declared batch, each chunk
 * runs as the model expects, and the outputs are joined again. A model built for one sample is
 * never fed several at once, so a {@code Reshape} to {@code [1, -1]} cannot mix samples, and each
 * sample's result is exactly what a loop of batch-1 runs gives. Outputs that keep the batch axis
 * are concatenated along it; outputs without one (batch 1 only) are stacked on a new leading axis.
 */
final class FixedBatch {
  private final int batch;
  private final String firstInput;

  private FixedBatch(int batch, String firstInput) {
    this.batch = batch;
    this.firstInput = firstInput;
  }

  /**
   * The declared batch of a session's inputs, when every input has a known, equal leading size;
   * null when the batch is symbolic (or the inputs disagree), and the model runs as fed.
   */
  static FixedBatch of(Map<String, NodeInfo> inputs) throws OrtException {
    long batch = -1;
    String first = null;
    for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
      if (!(e.getValue().getInfo() instanceof TensorInfo t) || t.getShape().length == 0) {
        return null;
      }
      long lead = t.getShape()[0];
      if (lead <= 0 || (batch > 0 && lead != batch)) {
        return null;
      }
      batch = lead;
      first = first == null ? e.getKey() : first;
    }
    return batch > 0 ? new FixedBatch((int) batch, first) : null;
  }

  int batch() {
    return batch;
  }

  /**
   * The feed cut into chunks of the declared batch; a single chunk when it already has that
   * batch. Every input must hold the same number of rows, a multiple of the batch.
   */
  List<Map<String, NdArray>> split(Map<String, NdArray> feed) {
    int rows = -1;
    for (Map.Entry<String, NdArray> e : feed.entrySet()) {
      NdArray a = e.getValue();
      if (a.rank() == 0) {
        return List.of(feed);
      }
      if (rows >= 0 && a.rows() != rows) {
        throw GraftException.badInput("inputs hold different sample counts: %d and %d (input"
            + " %s)", rows, a.rows(), e.getKey());
      }
      rows = a.rows();
    }
    if (rows == batch || rows < 0) {
      return List.of(feed);
    }
    if (rows % batch != 0) {
      throw GraftException.badInput("the model declares a fixed batch of %d on input %s; %d"
          + " samples are not a multiple of it", batch, firstInput, rows);
    }
    List<Map<String, NdArray>> chunks = new ArrayList<>();
    for (int s = 0; s < rows; s += batch) {
      Map<String, NdArray> c = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : feed.entrySet()) {
          c.put(e.getKey(), e.getValue().rows(s, batch));
        }
      chunks.add(c);
    }
    return chunks;
  }

  /** The chunks' outputs joined, name by name, in the order of the first chunk. */
  Map<String, NdArray> join(List<Map<String, NdArray>> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (String name : parts.get(0).keySet()) {
      List<NdArray> each = new ArrayList<>();
      for (Map<String, NdArray> p : parts) {
        each.add(p.get(name));
      }
      NdArray first = each.get(0);
      boolean batched = first.rank() > 0 && first.shape()[0] == batch;
      if (!batched) {
        if (batch != 1) {
          throw GraftException.failure("output %s has shape %s without the declared batch %d as"
              + " its first axis; Graft cannot tell its samples apart", name,
              java.util.Arrays.toString(first.shape()), batch);
        }
        for (int i = 0; i < each.size(); i++) {
          long[] s = each.get(i).shape();
          long[] withBatch = new long[s.length + 1];
          withBatch[0] = 1;
          System.arraycopy(s, 0, withBatch, 1, s.length);
          each.set(i, each.get(i).reshape(withBatch));
        }
      }
      out.put(name, NdArray.concatRows(each));
    }
    return out;
  }
}
