package dev.graft.graph;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named symbolic dimensions of a model's inputs ({@code batch}, {@code sequence}) and their
 * binding to sizes: {@code --dim NAME=SIZE} on the command line, {@code dims("seq" to 128)} in a
 * recipe. A bound dimension is fixed in the model Graft works on and writes.
 *
 * <pre>{@code
 * Graph g = Dims.bind(model, Dims.parse(List.of("sequence=128")));
 * }</pre>
 */
public final class Dims {
  private Dims() {}

  /** {@code NAME=SIZE} pairs, in order; bad input names the pair and the form expected. */
  public static Map<String, Long> parse(List<String> specs) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String s : specs) {
      int eq = s.indexOf('=');
      long size = -1;
      if (eq > 0) {
        try {
          size = Long.parseLong(s.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
          size = -1;
        }
      }
      if (eq <= 0 || size < 1) {
        throw GraftException.badInput("--dim %s: expected NAME=SIZE with a positive SIZE, e.g."
            + " --dim sequence=128", s);
      }
      out.put(s.substring(0, eq).trim(), size);
    }
    return out;
  }

  /** The named symbolic dimensions of the graph's inputs, in order of appearance. */
  public static Set<String> symbols(Graph g) {
    Set<String> out = new LinkedHashSet<>();
    for (ValueInfo v : g.inputs()) {
      if (v.shape() != null) {
        for (Dim d : v.shape().dims()) {
          if (!d.isKnown() && !d.symbol().startsWith("?")) {
            out.add(d.symbol());
          }
        }
      }
    }
    return out;
  }

  /**
   * The graph with each named dimension of its inputs fixed to its size. A name that no input
   * has is bad input, naming the dimensions there are.
   */
  public static Graph bind(Graph g, Map<String, Long> sizes) {
    if (sizes.isEmpty()) {
      return g;
    }
    Set<String> known = symbols(g);
    for (String name : sizes.keySet()) {
      if (!known.contains(name)) {
        throw GraftException.badInput("--dim %s=%d: the model's inputs have no dimension %s;"
            + " their named dimensions: %s", name, sizes.get(name), name,
            known.isEmpty() ? "(none)" : String.join(", ", known));
      }
    }
    List<ValueInfo> ins = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      Shape s = v.shape();
      if (s != null) {
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
          s = s.bind(e.getKey(), e.getValue());
        }
      }
      ins.add(s == null ? v : v.withShape(s));
    }
    List<ValueInfo> outs = new ArrayList<>();
    for (ValueInfo v : g.outputs()) {
      Shape s = v.shape();
      if (s != null) {
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
          s = s.bind(e.getKey(), e.getValue());
        }
      }
      outs.add(s == null ? v : v.withShape(s));
    }
    return g.toBuilder().inputs(ins).outputs(outs).clearValueInfo().build();
  }

  /** Where a dimension is declared: {@code axis 1 of input 'input_ids'}, or null. */
  public static String declaredAt(Graph g, String symbol) {
    for (ValueInfo v : g.inputs()) {
      if (v.shape() != null) {
        for (int i = 0; i < v.shape().rank(); i++) {
          Dim d = v.shape().dim(i);
          if (!d.isKnown() && d.symbol().equals(symbol)) {
            return "axis " + i + " of input '" + v.name() + "'";
          }
        }
      }
    }
    return null;
  }

  /** The error for a node whose shape needs the size of a symbolic dimension. */
  static GraftException needsBinding(Graph g, Node n, String symbol) {
    String at = declaredAt(g, symbol);
    if (at == null) {
      return GraftException.badInput("cannot infer the shape of node %s (%s): it needs the size"
          + " of a dimension (%s) that is only known when the model runs", n.name(),
          n.op().onnxName(), symbol);
    }
    return GraftException.badInput("node %s (%s) needs the size of dimension '%s' (%s); bind it"
        + " with --dim %s=SIZE", n.name(), n.op().onnxName(), symbol, at, symbol);
  }
}
