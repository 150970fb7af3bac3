package dev.graft.tflite;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.onnx.OnnxWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a graph ready for lowering: the symbolic batch axis (the first) fixed to the batch size
 * (other symbolic axes must be bound before, {@code --dim}), every shape static,
 * Identity and Dropout removed, and every node whose inputs are all constant (the shape arithmetic
 * exporters leave behind, reshaped weights) evaluated once by ONNX Runtime and replaced by its
 * value.
 */
final class Prepare {
  private Prepare() {}

  static Graph run(Graph g, int batch) {
    List<ValueInfo> inputs = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      if (v.shape() == null) {
        throw GraftException.badInput("graph input %s has no declared shape", v.name());
      }
      List<Dim> dims = new ArrayList<>();
      for (int i = 0; i < v.shape().rank(); i++) {
        Dim d = v.shape().dim(i);
        if (d.isKnown()) {
          dims.add(d);
        } else if (d.symbol().startsWith("?")) {
          throw GraftException.badInput(
              "graph input %s has an unnamed dynamic axis in %s; TFLite needs a static shape",
              v.name(), v.shape());
        } else if (i == 0) {
          dims.add(Dim.of(d.coefficient() * batch));
        } else {
          throw GraftException.badInput("input %s: dimension '%s' (axis %d) is symbolic and"
              + " TFLite needs its size; bind it with --dim %s=SIZE (--batch sets only the batch"
              + " axis)", v.name(), d.symbol(), i, d.symbol());
        }
      }
      inputs.add(v.withShape(dev.graft.graph.Shape.of(dims)));
    }
    Graph shaped = ShapeInference.infer(g.toBuilder().inputs(inputs).build());
    Graph g2 = removeIdentities(shaped);
    g2 = fold(g2);
    g2 = ShapeInference.infer(g2);
    requireStatic(g2);
    return g2;
  }

  private static Graph removeIdentities(Graph g) {
    Map<String, String> alias = new HashMap<>();
    Set<String> outputs = new HashSet<>(g.outputNames());
    List<Node> kept = new ArrayList<>();
    for (Node n : g.nodes()) {
      Node m = rename(n, alias);
      boolean passThrough = m.op() == Op.IDENTITY
          || (m.op() == Op.DROPOUT && (m.outputs().size() < 2 || m.output(1).isEmpty())
              && !training(g, m));
      if (passThrough && !outputs.contains(m.output(0))) {
        alias.put(m.output(0), m.input(0));
      } else {
        kept.add(m);
      }
    }
    return g.toBuilder().nodes(kept).build();
  }

  /** True when a Dropout's training_mode input is not a constant false. */
  static boolean training(Graph g, Node dropout) {
    String t = dropout.input(2);
    return !t.isEmpty() && g.constant(t).map(v -> v.longs()[0] != 0).orElse(true);
  }

  private static Node rename(Node n, Map<String, String> alias) {
    List<String> ins = new ArrayList<>();
    for (String i : n.inputs()) {
      ins.add(alias.getOrDefault(i, i));
    }
    return n.withInputs(ins);
  }

  /** Replaces Shape of static tensors and every all-constant node by initializers. */
  private static Graph fold(Graph g) {
    Set<String> constant = new HashSet<>(g.initializers().keySet());
    Graph.Builder b = g.toBuilder();
    List<Node> folded = new ArrayList<>();
    List<Node> kept = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.op() == Op.CONSTANT) {
        b.initializer(g.constant(n.output(0)).orElseThrow());
        constant.add(n.output(0));
      } else if (n.op() == Op.SHAPE && g.info(n.input(0)).map(v -> v.shape().isStatic())
          .orElse(false)) {
        long[] s = g.info(n.input(0)).orElseThrow().shape().sizes();
        int rank = s.length;
        int start = (int) clamp(n.attrLong("start", 0), rank);
        int end = (int) clamp(n.attrLong("end", rank), rank);
        b.initializer(TensorData.vector(n.output(0),
            java.util.Arrays.copyOfRange(s, start, Math.max(start, end))));
        constant.add(n.output(0));
      } else if (!n.inputs().isEmpty()
          && n.inputs().stream().allMatch(i -> i.isEmpty() || constant.contains(i))) {
        folded.add(n);
        constant.addAll(n.outputs());
      } else {
        kept.add(n);
      }
    }
    b.nodes(kept);
    if (!folded.isEmpty()) {
      Set<String> needed = new LinkedHashSet<>();
      for (Node n : kept) {
        needed.addAll(n.inputs());
      }
      needed.addAll(g.outputNames());
      List<String> wanted = new ArrayList<>();
      for (Node n : folded) {
        for (String o : n.outputs()) {
          if (needed.contains(o)) {
            wanted.add(o);
          }
        }
      }
      for (TensorData t : evaluate(g, b.initializers(), folded, wanted)) {
        b.initializer(t);
      }
    }
    return b.pruneUnused().build();
  }

  private static List<TensorData> evaluate(
      Graph g, Map<String, TensorData> inits, List<Node> nodes, List<String> wanted) {
    Graph.Builder sub = Graph.builder().name("fold").opset(g.opset());
    Set<String> used = new HashSet<>();
    for (Node n : nodes) {
      sub.node(n);
      used.addAll(n.inputs());
    }
    for (String u : used) {
      if (inits.containsKey(u)) {
        sub.initializer(inits.get(u));
      }
    }
    for (String w : wanted) {
      ValueInfo v = g.info(w).orElseThrow();
      sub.output(new ValueInfo(w, v.type(), null));
    }
    OrtEnvironment env = dev.graft.exec.Ort.env();
    List<TensorData> out = new ArrayList<>();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(OnnxWriter.toBytes(sub.build()), so);
        OrtSession.Result r = s.run(Map.of())) {
      for (String w : wanted) {
        OnnxValue v = r.get(w).orElseThrow();
        out.add(tensorData(w, (OnnxTensor) v));
      }
    } catch (OrtException e) {
      throw GraftException.badInput(
          "cannot evaluate the constant part of the graph (%s): %s", wanted, e.getMessage());
    }
    return out;
  }

  static TensorData tensorData(String name, OnnxTensor t) {
    DType type;
    switch (t.getInfo().type) {
      case FLOAT:
        type = DType.FLOAT;
        break;
      case DOUBLE:
        type = DType.DOUBLE;
        break;
      case INT64:
        type = DType.INT64;
        break;
      case INT32:
        type = DType.INT32;
        break;
      case INT16:
        type = DType.INT16;
        break;
      case INT8:
        type = DType.INT8;
        break;
      case UINT8:
        type = DType.UINT8;
        break;
      case BOOL:
        type = DType.BOOL;
        break;
      case FLOAT16:
        type = DType.FLOAT16;
        break;
      default:
        throw GraftException.badInput("constant %s has type %s, which Graft cannot fold", name,
            t.getInfo().type);
    }
    ByteBuffer bb = t.getByteBuffer().order(ByteOrder.nativeOrder());
    byte[] raw = new byte[bb.remaining()];
    bb.get(raw);
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("big-endian hosts are not supported");
    }
    return TensorData.ofRaw(name, type, t.getInfo().getShape(), raw);
  }

  private static long clamp(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return Math.max(0, Math.min(rank, a));
  }

  private static void requireStatic(Graph g) {
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        if (o.isEmpty()) {
          continue;
        }
        ValueInfo v = g.info(o).orElse(null);
        if (v == null || v.shape() == null || !v.shape().isStatic()) {
          throw GraftException.badInput(
              "tensor %s of node %s (%s) has shape %s, which cannot be made static for TFLite",
              o, n.name(), n.op().onnxName(), v == null ? "unknown" : v.shape());
        }
        for (long d : v.shape().sizes()) {
          if (d == 0) {
            throw GraftException.badInput(
                "tensor %s of node %s (%s) has shape %s with no elements; TFLite cannot hold it",
                o, n.name(), n.op().onnxName(), v.shape());
          }
        }
      }
    }
  }
}
