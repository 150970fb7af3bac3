package dev.graft.graph;

import dev.graft.GraftException;
import dev.graft.io.DType;
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

  /**
   * The type and shape rules, checked on a model as it is read so that an invalid one is refused
   * before any work: the operands of arithmetic, MatMul, Gemm and Conv share one element type, a
   * MatMul's and a Gemm's inner dimensions agree, and a Conv's weight fits its input's channels.
   * Where shapes cannot be inferred yet (a symbolic dimension to bind), only what is declared is
   * checked; the command that needs the shapes reports the rest.
   */
  public static Graph validateTypesAndShapes(Graph g) {
    Graph shaped;
    try {
      shaped = ShapeInference.infer(g);
    } catch (GraftException e) {
      shaped = g;
    }
    for (ValueInfo v : g.inputs()) {
      checkSize(v.name(), v.shape(), "graph input"); // zero-sized inputs are valid ONNX
    }
    for (Node n : g.nodes()) {
      for (String out : n.outputs()) {
        ValueInfo v = out.isEmpty() ? null : shaped.info(out).orElse(null);
        if (v != null) {
          checkSize(out, v.shape(), "tensor");
        }
      }
      switch (n.op()) {
        case ADD, SUB, MUL, DIV, MAT_MUL, GEMM, CONV -> sameType(shaped, n);
        default -> { }
      }
      windowAttributes(n);
      if (n.op() == Op.RESHAPE) {
        sameCount(n, shape(shaped, n.inputs().get(0)), shape(shaped, n.outputs().get(0)));
      }
      if (n.op() == Op.MAT_MUL) {
        innerDims(n, shape(shaped, n.inputs().get(0)), shape(shaped, n.inputs().get(1)), false,
            false);
      } else if (n.op() == Op.GEMM) {
        innerDims(n, shape(shaped, n.inputs().get(0)), shape(shaped, n.inputs().get(1)),
            n.attrLong("transA", 0) != 0, n.attrLong("transB", 0) != 0);
      } else if (n.op() == Op.CONV) {
        convChannels(n, shape(shaped, n.inputs().get(0)), shape(shaped, n.inputs().get(1)));
      }
    }
    return g;
  }

  /** The most elements one tensor may hold: Java arrays and ONNX Runtime's buffers are indexed by int. */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static void checkSize(String name, Shape s, String what) {
    if (s == null) {
      return;
    }
    long n = 1;
    for (Dim d : s.dims()) {
      if (!d.isKnown()) {
        continue;
      }
      if (d.value() < 0) {
        throw GraftException.badInput("%s '%s' has shape %s; a dimension cannot be negative",
            what, name, s);
      }
      if (d.value() > MAX_ELEMENTS || (n = n * Math.max(1, d.value())) > MAX_ELEMENTS) {
        throw GraftException.badInput("%s '%s' has shape %s, more than %d elements", what, name,
            s, MAX_ELEMENTS);
      }
    }
  }

  private static ValueInfo info(Graph g, String tensor) {
    return g.initializer(tensor).map(t -> new ValueInfo(t.name(), t.type(), t.shape()))
        .or(() -> g.info(tensor)).orElse(null);
  }

  private static Shape shape(Graph g, String tensor) {
    ValueInfo v = info(g, tensor);
    return v == null ? null : v.shape();
  }

  private static void sameType(Graph g, Node n) {
    DType first = null;
    for (int i = 0; i < Math.min(n.inputs().size(), n.op() == Op.GEMM || n.op() == Op.CONV ? 3 : 2);
        i++) {
      ValueInfo v = n.inputs().get(i).isEmpty() ? null : info(g, n.inputs().get(i));
      if (v == null || v.type() == null) {
        continue;
      }
      if (first == null) {
        first = v.type();
      } else if (v.type() != first) {
        throw GraftException.badInput("node %s (%s) mixes element types: input '%s' is %s, the"
            + " first is %s", n.name(), n.op().onnxName(), v.name(), v.type(), first);
      }
    }
  }

  private static void innerDims(Node n, Shape a, Shape b, boolean transA, boolean transB) {
    if (a == null || b == null || a.rank() < 1 || b.rank() < 1) {
      return;
    }
    Dim k1 = a.rank() == 1 ? a.dim(0) : a.dim(transA ? a.rank() - 2 : a.rank() - 1);
    Dim k2 = b.rank() == 1 ? b.dim(0) : b.dim(transB ? b.rank() - 1 : b.rank() - 2);
    if (k1.isKnown() && k2.isKnown() && k1.value() != k2.value()) {
      throw GraftException.badInput("node %s (%s) multiplies shapes %s and %s whose inner"
          + " dimensions %d and %d differ", n.name(), n.op().onnxName(), a, b, k1.value(),
          k2.value());
    }
  }

  /** Kernel sizes, strides and dilations are at least 1 and pads at least 0, on every node. */
  private static void windowAttributes(Node n) {
    for (String a : new String[] {"kernel_shape", "strides", "dilations", "pads"}) {
      if (n.attribute(a).isEmpty()) {
        continue;
      }
      long min = a.equals("pads") ? 0 : 1;
      for (long v : n.attrLongs(a)) {
        if (v < min || v > 1 << 16) {
          throw GraftException.badInput("node %s (%s) has %s %s; each must be %d to 65536",
              n.name(), n.op().onnxName(), a, java.util.Arrays.toString(n.attrLongs(a)), min);
        }
      }
    }
  }

  private static void sameCount(Node n, Shape in, Shape out) {
    if (in != null && out != null && in.isStatic() && out.isStatic()
        && count(in) != count(out)) {
      throw GraftException.badInput("node %s (Reshape) turns %s (%d elements) into %s (%d)",
          n.name(), in, count(in), out, count(out));
    }
  }

  private static long count(Shape s) {
    long n = 1;
    for (Dim d : s.dims()) {
      n *= d.value();
    }
    return n;
  }

  private static void convChannels(Node n, Shape x, Shape w) {
    if (x == null || w == null || x.rank() < 3 || w.rank() != x.rank()) {
      return;
    }
    long group = n.attrLong("group", 1);
    Dim c = x.dim(1);
    Dim wc = w.dim(1);
    if (c.isKnown() && wc.isKnown() && (group < 1 || c.value() != wc.value() * group)) {
      throw GraftException.badInput("node %s (Conv) reads %s channels, its weight %s with group %d"
          + " needs %d", n.name(), c, w, group, wc.value() * group);
    }
    if (n.attribute("kernel_shape").isPresent() && w.isStatic()) {
      long[] k = n.attrLongs("kernel_shape");
      boolean fits = k.length == w.rank() - 2;
      for (int i = 0; fits && i < k.length; i++) {
        fits = k[i] == w.dim(i + 2).value();
      }
      if (!fits) {
        throw GraftException.badInput("node %s (Conv) has kernel_shape %s, its weight is %s",
            n.name(), java.util.Arrays.toString(k), w);
      }
    }
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
