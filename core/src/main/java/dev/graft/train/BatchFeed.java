package dev.graft.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.graft.exec.Ort;
import dev.graft.GraftException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data inputs of one training graph (every student input, the target and the per-step
 * scalars) as native tensors over direct buffers made once and refilled in place before each
 * session call, so that a call copies each batch once and allocates nothing. Close it after the
 * last call.
 */
final class BatchFeed implements AutoCloseable {
  private final Map<String, String> feedNames = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

  /**
   * Tensors for {@code rows} stacked rows of each of the data's tensors and the scalars of
   * {@code steps} steps (none for 0: a {@link TrainingGraph#gradientGraph} reads no scalars).
   */
  BatchFeed(TrainingData data, int rows, int steps) {
    List<String> names = new ArrayList<>(data.inputNames());
    names.add(data.targetName());
    try {
      for (String name : names) {
        long[] row = data.rowShape(name);
        long[] shape = new long[row.length + 1];
        shape[0] = rows;
        System.arraycopy(row, 0, shape, 1, row.length);
        String feed = name.equals(data.targetName()) ? TrainingGraph.TARGET : name;
        add(name, feed, shape);
      }
      if (steps > 0) {
        add(TrainingGraph.HYPER, TrainingGraph.HYPER, new long[] {steps * 3L});
      }
    } catch (OrtException e) {
      close();
      throw GraftException.failure("cannot make training input tensors: %s", e.getMessage());
    }
  }

  private void add(String name, String feed, long[] shape) throws OrtException {
    FloatBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(NdShapes.count(shape) * 4))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    feedNames.put(name, feed);
    buffers.put(name, b);
    tensors.put(name, OnnxTensor.createTensor(Ort.env(), b, shape));
  }

  /**
   * Writes the given rows of the data and the per-step scalars (null where this feed has none)
   * into the tensors and returns them keyed by the training graph's input names.
   */
  Map<String, OnnxTensor> fill(TrainingData data, TrainingData.Split split, int[] rows,
      float[] hyper) {
    buffers.values().forEach(FloatBuffer::clear);
    if (hyper != null) {
      buffers.get(TrainingGraph.HYPER).put(hyper);
    }
    data.batchInto(split, rows, buffers);
    Map<String, OnnxTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> en : feedNames.entrySet()) {
      FloatBuffer b = buffers.get(en.getKey());
      if (b.hasRemaining()) {
        throw GraftException.failure("training batch %s filled %d of the %d values the graph "
            + "reads", en.getKey(), b.position(), b.capacity());
      }
      out.put(en.getValue(), tensors.get(en.getKey()));
    }
    return out;
  }

  @Override
  public void close() {
    tensors.values().forEach(OnnxTensor::close);
  }
}
