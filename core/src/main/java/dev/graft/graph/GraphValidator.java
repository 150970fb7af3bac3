package dev.graft.graph;

import dev.graft.GraftException;
import java.util.HashSet;
import java.util.Set;

/**
 * The rules every graph obeys, in one place: operator arity and attributes as {@link Op} declares
 * them and as the graph's opset allows ({@link OpsetRules}), every tensor written once and read only after it is written (topological order), and every
 * output produced.
 */
public final class GraphValidator {
  private GraphValidator() {}

  /** Checks the graph and returns it, or throws naming the first broken rule and its node. */
  public static Graph validate(Graph g) {
    Set<String> defined = new HashSet<>();
    for (ValueInfo v : g.inputs()) {
      defineOnce(defined, v.name(), "graph input");
    }
    defined.addAll(g.initializers().keySet());
    for (Node n : g.nodes()) {
      checkArity(n);
      OpsetRules.check(n, g.opset()).ifPresent(why -> {
        throw GraftException.badInput("%s", why);
      });
      for (String a : n.attributes().keySet()) {
        if (!n.op().attributes().contains(a)) {
          throw GraftException.badInput(
              "node %s (%s) has attribute '%s', expected one of %s",
              n.name(), n.op().onnxName(), a, n.op().attributes());
        }
      }
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          throw GraftException.badInput(
              "node %s (%s) reads tensor '%s' before anything writes it",
              n.name(), n.op().onnxName(), in);
        }
      }
      for (String out : n.outputs()) {
        if (!out.isEmpty()) {
          defineOnce(defined, out, "node " + n.name());
        }
      }
    }
    for (ValueInfo o : g.outputs()) {
      if (!defined.contains(o.name())) {
        throw GraftException.badInput("graph output '%s' is never written", o.name());
      }
    }
    return g;
  }

  private static void checkArity(Node n) {
    Op op = n.op();
    int in = n.inputs().size();
    int out = n.outputs().size();
    if (in < op.minInputs() || in > op.maxInputs()) {
      throw GraftException.badInput(
          "node %s (%s) has %d inputs, expected %s",
          n.name(), op.onnxName(), in, range(op.minInputs(), op.maxInputs()));
    }
    if (out < op.minOutputs() || out > op.maxOutputs()) {
      throw GraftException.badInput(
          "node %s (%s) has %d outputs, expected %s",
          n.name(), op.onnxName(), out, range(op.minOutputs(), op.maxOutputs()));
    }
  }

  private static String range(int min, int max) {
    if (min == max) {
      return Integer.toString(min);
    }
    return max == Op.VARIADIC ? "at least " + min : min + " to " + max;
  }

  private static void defineOnce(Set<String> defined, String tensor, String where) {
    if (!defined.add(tensor)) {
      throw GraftException.badInput("tensor '%s' is written twice (again by %s)", tensor, where);
    }
  }
}
