package dev.graft.graph;

import dev.graft.GraftException;
import dev.graft.io.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Infers the type and shape of every tensor from the graph's input signature, with symbolic axes
 * (the batch) carried through as {@link Dim}s. Small integer tensors that hold shapes are
 * evaluated along the way (Shape, Gather, Concat, Unsqueeze, arithmetic...), so the shape
 * arithmetic that exporters leave in front of a Reshape resolves.
 *
 * <pre>{@code
 * Graph shaped = ShapeInference.infer(graph);
 * Shape s = shaped.info("x").orElseThrow().shape();
 * }</pre>
 */
public final class ShapeInference {
  private static final int MAX_VALUE_ELEMENTS = 64;

  private final Graph graph;
  private final Map<String, ValueInfo> types = new HashMap<>();
  private final Map<String, List<Dim>> values = new HashMap<>();

  private ShapeInference(Graph graph) {
    this.graph = graph;
  }

  /** The graph with a ValueInfo for every tensor and shaped outputs. */
  public static Graph infer(Graph g) {
    ShapeInference s = new ShapeInference(g);
    s.run();
    Graph.Builder b = g.toBuilder().clearValueInfo();
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        ValueInfo v = s.types.get(o);
        if (v != null && !o.isEmpty()) {
          b.valueInfo(v);
        }
      }
    }
    List<ValueInfo> outs = new ArrayList<>();
    for (ValueInfo o : g.outputs()) {
      ValueInfo v = s.types.get(o.name());
      outs.add(v == null ? o : v);
    }
    return b.outputs(outs).build();
  }

  /** The graph re-inferred after fixing the symbolic axis {@code symbol} to {@code size}. */
  public static Graph bind(Graph g, String symbol, long size) {
    List<ValueInfo> ins = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      ins.add(v.shape() == null ? v : v.withShape(v.shape().bind(symbol, size)));
    }
    return infer(g.toBuilder().inputs(ins).build());
  }

  private void run() {
    for (ValueInfo v : graph.inputs()) {
      if (v.shape() == null) {
        throw GraftException.badInput("graph input %s has no declared shape", v.name());
      }
      types.put(v.name(), v);
    }
    for (TensorData t : graph.initializers().values()) {
      types.put(t.name(), new ValueInfo(t.name(), t.type(), t.shape()));
      rememberValue(t);
    }
    for (Node n : graph.nodes()) {
      try {
        OpShapes.infer(n, this);
      } catch (GraftException e) {
        throw e;
      } catch (Dim.SymbolicException e) {
        throw Dims.needsBinding(graph, n, e.symbol());
      } catch (RuntimeException e) {
        throw GraftException.badInput(
            "cannot infer the shape of node %s (%s): %s", n.name(), n.op().onnxName(),
            e.getMessage());
      }
    }
  }

  private void rememberValue(TensorData t) {
    boolean integral = t.type() == DType.INT64 || t.type() == DType.INT32;
    if (integral && t.rank() <= 1 && t.elementCount() <= MAX_VALUE_ELEMENTS) {
      List<Dim> v = new ArrayList<>();
      for (long l : t.longs()) {
        v.add(Dim.of(l));
      }
      values.put(t.name(), v);
    }
  }

  // --- accessors used by the per-op rules ---

  ValueInfo type(Node n, int input) {
    String name = n.input(input);
    ValueInfo v = types.get(name);
    if (v == null || v.shape() == null) {
      throw GraftException.badInput(
          "node %s (%s): the shape of input '%s' is unknown", n.name(), n.op().onnxName(), name);
    }
    return v;
  }

  Shape shape(Node n, int input) {
    return type(n, input).shape();
  }

  boolean has(Node n, int input) {
    return !n.input(input).isEmpty();
  }

  /** The evaluated integer value of an input, or null when it is not known before running. */
  List<Dim> value(Node n, int input) {
    return values.get(n.input(input));
  }

  List<Dim> requireValue(Node n, int input, String what) {
    List<Dim> v = value(n, input);
    if (v == null) {
      throw GraftException.badInput(
          "node %s (%s): %s '%s' is computed at run time; Graft needs it constant",
          n.name(), n.op().onnxName(), what, n.input(input));
    }
    return v;
  }

  TensorData constant(Node n, int input) {
    return graph.constant(n.input(input)).orElse(null);
  }

  void set(Node n, int output, DType type, Shape shape) {
    String name = n.output(output);
    if (!name.isEmpty()) {
      types.put(name, new ValueInfo(name, type, shape));
    }
  }

  void setValue(Node n, int output, List<Dim> value) {
    if (value != null && value.size() <= MAX_VALUE_ELEMENTS) {
      values.put(n.output(output), List.copyOf(value));
    }
  }

  void rememberConstant(TensorData t) {
    types.put(t.name(), new ValueInfo(t.name(), t.type(), t.shape()));
    rememberValue(t);
  }
}
