package dev.graft.simplify;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.data.NdArray;
import dev.graft.graph.DType;
import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.onnx.OnnxWriter;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph in ONNX Runtime (CPU) over in-memory inputs, in batches, and returns named tensors:
 * the graph outputs and any intermediate tensors asked for, which are added as extra outputs. This
 * is how thinning, low-rank and simplify record activations until {@code exec.Capture} replaces
 * it. Everything is held in memory: meant for calibration sets of a few thousand rows.
 *
 * <pre>{@code
 * Map<String, NdArray> acts = Recorder.record(graph, Map.of("input", x), List.of("h1"), 256);
 * }</pre>
 */
public final class Recorder {
  private Recorder() {}

  /** The graph outputs for the given inputs. */
  public static Map<String, NdArray> run(Graph g, Map<String, NdArray> inputs) {
    return record(g, inputs, g.outputNames(), 512);
  }

  /** The named tensors (outputs or intermediates), each with all rows of the inputs. */
  public static Map<String, NdArray> record(
      Graph g, Map<String, NdArray> inputs, List<String> tensors, int batch) {
    Graph.Builder b = g.toBuilder();
    List<ValueInfo> outs = new ArrayList<>(g.outputs());
    for (String t : tensors) {
      if (!g.outputNames().contains(t)) {
        DType type = g.info(t).map(ValueInfo::type).orElse(DType.FLOAT);
        outs.add(new ValueInfo(t, type, null));
      }
    }
    byte[] model = OnnxWriter.toBytes(b.outputs(outs).build());
    int rows = inputs.isEmpty() ? 1 : inputs.values().iterator().next().rows();
    Map<String, List<NdArray>> parts = new LinkedHashMap<>();
    tensors.forEach(t -> parts.put(t, new ArrayList<>()));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(2);
      try (OrtSession s = env.createSession(model, opts)) {
        for (int start = 0; start < rows; start += batch) {
          int count = Math.min(batch, rows - start);
          Map<String, OnnxTensor> feed = new LinkedHashMap<>();
          try {
            for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
              feed.put(e.getKey(), tensor(env, e.getValue().rows(start, count)));
            }
            try (OrtSession.Result r = s.run(feed, new java.util.HashSet<>(tensors))) {
              for (String t : tensors) {
                parts.get(t).add(array((OnnxTensor) r.get(t).orElseThrow()));
              }
            }
          } finally {
            feed.values().forEach(OnnxValue::close);
          }
        }
      }
    } catch (OrtException e) {
      throw GraftException.failure("ONNX Runtime failed on graph %s: %s", g.name(), e.getMessage());
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    parts.forEach((k, v) -> out.put(k, v.size() == 1 ? v.get(0) : NdArray.concatRows(v)));
    return out;
  }

  static OnnxTensor tensor(OrtEnvironment env, NdArray a) throws OrtException {
    switch (a.type()) {
      case FLOAT:
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(a.floats()), a.shape());
      case INT64:
        return OnnxTensor.createTensor(env, LongBuffer.wrap(a.longs()), a.shape());
      case INT32:
        return OnnxTensor.createTensor(env, IntBuffer.wrap(a.ints()), a.shape());
      default:
        throw GraftException.badInput("inputs of type %s are not supported", a.type());
    }
  }

  static NdArray array(OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    switch (t.getInfo().type) {
      case FLOAT: {
        FloatBuffer fb = t.getFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return NdArray.of(f, shape);
      }
      case INT64: {
        LongBuffer lb = t.getLongBuffer();
        long[] l = new long[lb.remaining()];
        lb.get(l);
        return NdArray.ofLongs(l, shape);
      }
      case INT32: {
        IntBuffer ib = t.getIntBuffer();
        int[] v = new int[ib.remaining()];
        ib.get(v);
        return NdArray.ofInts(v, shape);
      }
      default:
        throw GraftException.failure("tensor of type %s cannot be recorded", t.getInfo().type);
    }
  }
}
