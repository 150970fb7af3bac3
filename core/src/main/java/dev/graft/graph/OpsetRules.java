package dev.graft.graph;

import java.util.Map;
import java.util.Optional;

/**
 * What changed in ONNX's operator signatures between opsets, for the operators Graft reads and
 * writes: the opset that introduced an operator or an attribute, and the operators whose
 * arguments moved from attributes to inputs (Clip's bounds, Squeeze's axes, Slice's starts...).
 * {@link GraphValidator} checks every node against the graph's declared opset with these rules,
 * so a graph Graft writes is one ONNX Runtime loads.
 */
public final class OpsetRules {
  /** Gemm's third input C is optional from this opset on (required before). */
  public static final int GEMM_OPTIONAL_C = 11;

  /** The opset each operator first appears in, where that is later than opset 7. */
  private static final Map<String, Integer> SINCE = Map.ofEntries(
      Map.entry("Expand", 8), Map.entry("Where", 9), Map.entry("Erf", 9),
      Map.entry("IsNaN", 9), Map.entry("GatherElements", 11), Map.entry("GatherND", 11),
      Map.entry("ConstantOfShape", 9), Map.entry("Resize", 10), Map.entry("QuantizeLinear", 10),
      Map.entry("DequantizeLinear", 10), Map.entry("Range", 11), Map.entry("HardSwish", 14),
      Map.entry("Trilu", 14), Map.entry("LayerNormalization", 17), Map.entry("Mish", 18),
      Map.entry("Gelu", 20));

  /** The opset each attribute first appears in, as "Op.attribute". */
  private static final Map<String, Integer> ATTRIBUTE_SINCE = Map.ofEntries(
      Map.entry("Shape.start", 15), Map.entry("Shape.end", 15),
      Map.entry("Reshape.allowzero", 14), Map.entry("Cast.saturate", 19),
      Map.entry("QuantizeLinear.saturate", 19), Map.entry("QuantizeLinear.block_size", 21),
      Map.entry("DequantizeLinear.block_size", 21), Map.entry("QuantizeLinear.axis", 13),
      Map.entry("DequantizeLinear.axis", 13), Map.entry("BatchNormalization.training_mode", 14),
      Map.entry("ArgMax.select_last_index", 12), Map.entry("GatherND.batch_dims", 12), Map.entry("MaxPool.dilations", 10),
      Map.entry("AveragePool.dilations", 19), Map.entry("Split.num_outputs", 18),
      Map.entry("ReduceMean.noop_with_empty_axes", 18),
      Map.entry("ReduceMax.noop_with_empty_axes", 18),
      Map.entry("ReduceSum.noop_with_empty_axes", 13), Map.entry("Resize.antialias", 18),
      Map.entry("Resize.axes", 18), Map.entry("Resize.keep_aspect_ratio_policy", 18),
      Map.entry("Constant.value_float", 12), Map.entry("Constant.value_floats", 12),
      Map.entry("Constant.value_int", 12), Map.entry("Constant.value_ints", 12),
      Map.entry("Constant.value_string", 12), Map.entry("Constant.value_strings", 12),
      Map.entry("Constant.sparse_value", 11));

  /**
   * Operators whose listed attributes became inputs at an opset: before it the attributes are
   * allowed and the inputs beyond {@code inputsBefore} are not; from it on the attributes are
   * gone and at least {@code inputsFrom} inputs are required.
   */
  private record Moved(int opset, int inputsBefore, int inputsFrom, String... attributes) {}

  private static final Map<String, Moved> MOVED = Map.ofEntries(
      Map.entry("Clip", new Moved(11, 1, 1, "min", "max")),
      Map.entry("Slice", new Moved(10, 1, 3, "starts", "ends", "axes")),
      Map.entry("Pad", new Moved(11, 1, 2, "pads", "value")),
      Map.entry("Squeeze", new Moved(13, 1, 1, "axes")),
      Map.entry("Unsqueeze", new Moved(13, 1, 2, "axes")),
      Map.entry("ReduceSum", new Moved(13, 1, 1, "axes")),
      Map.entry("ReduceMean", new Moved(18, 1, 1, "axes")),
      Map.entry("ReduceMax", new Moved(18, 1, 1, "axes")),
      Map.entry("Split", new Moved(13, 1, 1, "split")),
      Map.entry("Dropout", new Moved(12, 1, 1, "ratio")));

  private OpsetRules() {}

  /**
   * The node in the form an older opset takes: where arguments that are inputs from a later opset
   * on are constants, they become the attributes the declared opset expects (Unsqueeze's axes,
   * Clip's bounds...). A node that already fits, or whose moved inputs are not constant, is
   * returned as it is; {@link #check} then names what is wrong.
   */
  public static Node lower(Node n, int opset, java.util.function.Function<String, TensorData>
      constants) {
    Moved m = MOVED.get(n.op().onnxName());
    if (m == null || opset >= m.opset() || n.inputs().size() <= m.inputsBefore()) {
      return n;
    }
    java.util.List<Attribute> attrs = new java.util.ArrayList<>(n.attributes().values());
    for (int i = m.inputsBefore(); i < n.inputs().size(); i++) {
      String in = n.input(i);
      if (in.isEmpty()) {
        continue;
      }
      TensorData t = constants.apply(in);
      int k = i - m.inputsBefore();
      if (t == null || k >= m.attributes().length) {
        return n;
      }
      String name = m.attributes()[k];
      if (t.type().isFloating()) {
        float[] f = t.floats();
        if (f.length != 1) {
          return n;
        }
        attrs.add(Attribute.of(name, f[0]));
      } else {
        attrs.add(Attribute.ints(name, t.longs()));
      }
    }
    return new Node(n.name(), n.op(), n.inputs().subList(0, m.inputsBefore()), n.outputs(),
        attrs, n.metadata());
  }

  /**
   * Why a node is not valid at an opset (the first broken rule, one phrase naming the node), or
   * empty when it is.
   */
  public static Optional<String> check(Node n, int opset) {
    String op = n.op().onnxName();
    String at = "node " + n.name() + " (" + op + ")";
    Integer since = SINCE.get(op);
    if (since != null && opset < since) {
      return Optional.of(String.format("%s needs opset %d; the model declares opset %d", at,
          since, opset));
    }
    for (String a : n.attributes().keySet()) {
      Integer s = ATTRIBUTE_SINCE.get(op + "." + a);
      if (s != null && opset < s) {
        return Optional.of(String.format("%s has attribute '%s', which needs opset %d; the model"
            + " declares opset %d", at, a, s, opset));
      }
    }
    int inputs = n.inputs().size();
    if (op.equals("Gemm") && opset < GEMM_OPTIONAL_C && inputs < 3) {
      return Optional.of(String.format("%s has %d inputs; before opset %d Gemm needs its C input"
          + " (the model declares opset %d)", at, inputs, GEMM_OPTIONAL_C, opset));
    }
    if (op.equals("Resize") && opset < 11 && inputs != 2) {
      return Optional.of(String.format("%s has %d inputs; at opset 10 Resize takes 2", at,
          inputs));
    }
    Moved m = MOVED.get(op);
    if (m == null) {
      return Optional.empty();
    }
    if (opset < m.opset()) {
      if (inputs > m.inputsBefore()) {
        return Optional.of(String.format("%s has %d inputs; before opset %d it takes %d and"
            + " attributes %s (the model declares opset %d)", at, inputs, m.opset(),
            m.inputsBefore(), String.join(", ", m.attributes()), opset));
      }
      return Optional.empty();
    }
    for (String a : m.attributes()) {
      if (n.attributes().containsKey(a)) {
        return Optional.of(String.format("%s has attribute '%s', an input from opset %d on (the"
            + " model declares opset %d)", at, a, m.opset(), opset));
      }
    }
    if (inputs < m.inputsFrom()) {
      return Optional.of(String.format("%s has %d inputs; from opset %d on it needs at least %d"
          + " (the model declares opset %d)", at, inputs, m.opset(), m.inputsFrom(), opset));
    }
    return Optional.empty();
  }
}
