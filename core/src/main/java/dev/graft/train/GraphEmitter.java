package dev.graft.train;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.OpsetRules;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Appends nodes and constants to a {@link Graph.Builder} under fresh names that start with a
 * prefix, so that emitted tensors never collide with existing ones. Floating constants take the
 * element type given at construction (float32 for models, float64 for gradient checks).
 *
 * <pre>{@code
 * GraphEmitter e = new GraphEmitter(builder, "grad/", DType.FLOAT);
 * String y = e.op(Op.MUL, List.of(x, e.scalar(2.0)));
 * }</pre>
 *
 * Not thread-safe.
 */
public final class GraphEmitter {
  private final Graph.Builder builder;
  private final String prefix;
  private final DType floatType;
  private int counter;

  public GraphEmitter(Graph.Builder builder, String prefix, DType floatType) {
    this.builder = builder;
    this.prefix = prefix;
    this.floatType = floatType;
  }

  public Graph.Builder builder() {
    return builder;
  }

  public DType floatType() {
    return floatType;
  }

  /** A fresh tensor name with this emitter's prefix and a hint of what it holds. */
  public String fresh(String hint) {
    return prefix + hint + "_" + (counter++);
  }

  /** Emits one node with a single output and returns the output's name. */
  public String op(Op op, List<String> inputs, Attribute... attributes) {
    String out = fresh(op.onnxName());
    builder.node(forOpset(Node.of(out, op, inputs, List.of(out), attributes)));
    return out;
  }

  /** Emits one node writing the given output name. */
  public String opTo(String output, Op op, List<String> inputs, Attribute... attributes) {
    builder.node(forOpset(Node.of(fresh(op.onnxName()), op, inputs, List.of(output),
        attributes)));
    return output;
  }

  /**
   * The node in the form the graph's opset takes: a zero C for Gemm before opset 11, constant
   * axes, bounds and sizes as attributes where older opsets want them ({@link OpsetRules#lower}).
   */
  private Node forOpset(Node n) {
    int opset = builder.opset();
    if (n.op() == Op.GEMM && n.inputs().size() == 2 && opset < OpsetRules.GEMM_OPTIONAL_C) {
      return n.withInputs(List.of(n.input(0), n.input(1), scalar(0)));
    }
    return OpsetRules.lower(n, opset, t -> builder.initializers().get(t));
  }

  /** A floating scalar constant of the emitter's element type. */
  public String scalar(double value) {
    return floats(new long[0], new double[] {value});
  }

  /** A floating constant of the emitter's element type. */
  public String floats(long[] dims, double[] values) {
    String name = fresh("const");
    builder.initializer(floatTensor(name, dims, values, floatType));
    return name;
  }

  /** An int64 vector constant: shapes, axes, starts and ends. */
  public String longs(long... values) {
    String name = fresh("ints");
    builder.initializer(TensorData.vector(name, values));
    return name;
  }

  /** An int64 scalar constant, such as a Gather index that drops its axis. */
  public String longScalar(long value) {
    String name = fresh("int");
    builder.initializer(TensorData.ofLongs(name, new long[0], new long[] {value}));
    return name;
  }

  /** A tensor of float32 or float64 values. */
  public static TensorData floatTensor(String name, long[] dims, double[] values, DType type) {
    if (type == DType.FLOAT) {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return TensorData.ofFloats(name, dims, f);
    }
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(values);
    return TensorData.ofRaw(name, DType.DOUBLE, dims, b.array());
  }
}
