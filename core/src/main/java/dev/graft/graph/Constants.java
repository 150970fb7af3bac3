package dev.graft.graph;

import dev.graft.GraftException;

/** Reads the value of a Constant node from whichever of its value attributes it carries. */
public final class Constants {
  private Constants() {}

  /**
   * The constant value of {@code tensor}: its initializer, or the output of the Constant node that
   * produces it; empty for anything computed.
   */
  static java.util.Optional<TensorData> lookup(java.util.Map<String, TensorData> initializers,
      java.util.Map<String, Node> producers, String tensor) {
    TensorData t = initializers.get(tensor);
    if (t != null) {
      return java.util.Optional.of(t);
    }
    Node p = producers.get(tensor);
    if (p != null && p.op() == Op.CONSTANT) {
      return java.util.Optional.of(valueOf(p).withName(tensor));
    }
    return java.util.Optional.empty();
  }

  public static TensorData valueOf(Node constant) {
    String out = constant.output(0);
    for (Attribute a : constant.attributes().values()) {
      switch (a.name()) {
        case "value":
          return a.asTensor().withName(out);
        case "value_float":
          return TensorData.scalar(out, a.asFloat());
        case "value_floats": {
          float[] f = a.asFloats();
          return TensorData.ofFloats(out, new long[] {f.length}, f);
        }
        case "value_int":
          return TensorData.ofLongs(out, new long[0], new long[] {a.asLong()});
        case "value_ints":
          return TensorData.vector(out, a.asLongs());
        default:
          break;
      }
    }
    throw GraftException.badInput(
        "Constant node %s has no value attribute Graft can read (%s)",
        constant.name(), constant.attributes().keySet());
  }
}
