package dev.graft.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.region.ModulePaths;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.SignatureDefT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorMapT;

/**
 * Finds where a converted model leaves ONNX Runtime: every ONNX value the writer kept as a TFLite
 * tensor ({@link ConvertResult#tensors()}) is read from LiteRT and from ONNX Runtime on the same
 * inputs, in the model's order, and the first values whose error passes the bound are reported
 * with the layers (module paths) that computed them since the last value compared.
 *
 * <pre>{@code
 * List<DriftLocator.Drift> d = DriftLocator.locate(graph, result, samples, rt, bound, 3);
 * }</pre>
 */
public final class DriftLocator {
  /** Rows of the samples used: the drift of a layer shows on any input. */
  static final int ROWS = 2;

  private DriftLocator() {}

  /**
   * A value that leaves the bound.
   *
   * @param value the ONNX value
   * @param layers module paths of the nodes that computed it from values that were compared
   *     (or from the model's inputs), in order
   * @param maxAbsErr largest absolute difference from ONNX Runtime
   * @param scale largest absolute value ONNX Runtime gave
   */
  public record Drift(String value, List<String> layers, double maxAbsErr, double scale) {
    public double relativeError() {
      return scale == 0 ? maxAbsErr : maxAbsErr / scale;
    }
  }

  /** The first {@code max} values, in the model's order, whose error passes {@code bound}. */
  public static List<Drift> locate(Graph graph, ConvertResult converted,
      Map<String, NdArray> samples, LiteRt rt, Verification.Bound bound, int max) {
    Graph g = ShapeInference.infer(graph);
    Set<String> inputs = new LinkedHashSet<>(g.inputNames());
    List<String> values = new ArrayList<>();
    Set<Integer> tensors = new LinkedHashSet<>();
    for (Node n : g.nodes()) {
      for (String v : n.outputs()) {
        ConvertResult.Mapped m = converted.tensors().get(v);
        boolean isFloat = g.info(v).map(i -> i.type() == DType.FLOAT).orElse(false);
        if (m != null && isFloat && !inputs.contains(v)) {
          values.add(v);
          tensors.add(m.tensor());
        }
      }
    }
    byte[] probe = withOutputs(converted.bytes(), tensors);
    Map<String, double[]> err = new HashMap<>();
    int rows = samples.values().stream().mapToInt(NdArray::rows).min().orElse(0);
    try (OrtRunner ort = OrtRunner.open(withOutputs(g, values), Device.CPU)) {
      for (int row = 0; row < Math.min(ROWS, rows); row++) {
        Map<String, NdArray> feed = new LinkedHashMap<>();
        List<NdArray> lite = new ArrayList<>();
        for (ValueInfo v : g.inputs()) {
          NdArray a = samples.get(v.name()).rows(row, 1);
          feed.put(v.name(), a);
          lite.add(converted.io(v.name(), true).toFile(a));
        }
        Map<String, NdArray> ref = ort.run(feed, new LinkedHashSet<>(values));
        Map<String, NdArray> got = Int8Io.run(rt, probe, lite);
        for (String v : values) {
          ConvertResult.Mapped m = converted.tensors().get(v);
          NdArray t = got.get(probeName(m.tensor()));
          NdArray r = ref.get(v);
          if (t == null || r == null || NdArray.elementCount(t.shape()) != NdArray.elementCount(r.shape())) {
            continue;
          }
          float[] tv = (t.rank() == m.layout().length
              ? Verification.transpose(t, Layout.inverse(m.layout())) : t).asFloats();
          float[] rv = r.asFloats();
          double[] e = err.computeIfAbsent(v, k -> new double[2]);
          for (int i = 0; i < rv.length; i++) {
            e[0] = Math.max(e[0], Math.abs(tv[i] - rv[i]));
            e[1] = Math.max(e[1], Math.abs(rv[i]));
          }
        }
      }
    }
    List<Drift> out = new ArrayList<>();
    for (String v : values) {
      double[] e = err.get(v);
      if (e != null && out.size() < max) {
        Drift d = new Drift(v, layers(g, v, err.keySet()), e[0], e[1]);
        if (!(d.relativeError() <= bound.maxRelativeError())) { // NaN too
          out.add(d);
        }
      }
    }
    return out;
  }

  /** Module paths of the nodes between {@code value} and the compared values it depends on. */
  static List<String> layers(Graph g, String value, Set<String> compared) {
    Set<Node> segment = new LinkedHashSet<>();
    List<String> pending = new ArrayList<>(List.of(value));
    while (!pending.isEmpty()) {
      String v = pending.remove(pending.size() - 1);
      Node p = g.producer(v).orElse(null);
      if (p == null || !segment.add(p)) {
        continue;
      }
      for (String in : p.inputs()) {
        if (!in.isEmpty() && !compared.contains(in) && !g.isConstant(in)) {
          pending.add(in);
        }
      }
    }
    Set<String> modules = new LinkedHashSet<>();
    for (Node n : g.nodes()) {
      if (segment.contains(n)) {
        modules.add(ModulePaths.of(n.name()));
      }
    }
    return new ArrayList<>(modules);
  }

  private static Graph withOutputs(Graph g, List<String> values) {
    List<ValueInfo> outs = new ArrayList<>(g.outputs());
    Set<String> have = new LinkedHashSet<>(g.outputNames());
    for (String v : values) {
      if (have.add(v)) {
        outs.add(g.info(v).orElseThrow());
      }
    }
    return g.toBuilder().outputs(outs).build();
  }

  static String probeName(int tensor) {
    return "graft_probe_" + tensor;
  }

  /** The model with {@code tensors} made subgraph and signature outputs of their own. */
  static byte[] withOutputs(byte[] bytes, Set<Integer> tensors) {
    ModelT m = Model.getRootAsModel(ByteBuffer.wrap(bytes)).unpack();
    SubGraphT sg = m.getSubgraphs()[0];
    Set<Integer> inputs = new LinkedHashSet<>();
    Arrays.stream(sg.getInputs()).forEach(inputs::add);
    List<Integer> outs = new ArrayList<>();
    List<TensorMapT> maps = new ArrayList<>();
    for (int t : tensors) {
      if (!inputs.contains(t) && sg.getTensors()[t].getBuffer() == 0) {
        outs.add(t);
        TensorMapT tm = new TensorMapT();
        tm.setName(probeName(t));
        tm.setTensorIndex(t);
        maps.add(tm);
      }
    }
    sg.setOutputs(outs.stream().mapToInt(Integer::intValue).toArray());
    SignatureDefT sig = m.getSignatureDefs()[0];
    sig.setOutputs(maps.toArray(new TensorMapT[0]));
    FlatBufferBuilder fb = new FlatBufferBuilder(bytes.length + (1 << 16));
    Model.finishModelBuffer(fb, Model.pack(fb, m));
    return fb.sizedByteArray();
  }
}
