package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ReshapeOptionsT;
import org.tensorflow.lite.schema.TensorType;
import org.tensorflow.lite.schema.TransposeOptionsT;

/**
 * Lowers a prepared graph (static shapes, constants folded) into a {@link FlatModel}. Each ONNX
 * tensor is held in a physical layout ({@link Layout}); conv-net tensors live in NHWC, layout
 * changes that ONNX Transposes ask for are absorbed by relabelling, and a TRANSPOSE is only
 * emitted where an operator needs another layout than the one its input has. Not thread-safe.
 */
final class Lowering {
  final Graph g;
  final FlatModel fm = new FlatModel();
  final ConvertOptions options;
  final WeightWriter weights;
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, int[]> layouts = new HashMap<>();
  private final Map<String, Integer> variants = new HashMap<>();
  /** Tensors flattened from a permuted layout: logical flat index of each physical position. */
  final Map<String, int[]> flatOrders = new HashMap<>();
  final Set<Node> absorbed = new HashSet<>();
  /** Rank-4 inputs given in NHWC; see {@link BoundaryLayout}. */
  private final Set<String> nhwcInputs;
  private final List<ConvertResult.Io> io = new java.util.ArrayList<>();

  Lowering(Graph g, ConvertOptions options, Set<String> nhwcInputs) {
    this.g = g;
    this.options = options;
    this.nhwcInputs = nhwcInputs;
    this.weights = new WeightWriter(fm, options.precision());
  }

  FlatModel run() {
    for (ValueInfo v : g.inputs()) {
      long[] dims = v.shape().sizes();
      boolean nhwc = dims.length == 4 && nhwcInputs.contains(v.name());
      int[] p = nhwc ? Layout.NHWC : Layout.identity(dims.length);
      int t = fm.tensor(v.name(), tflType(v.type(), v.name()), Layout.apply(p, dims));
      index.put(v.name(), t);
      layouts.put(v.name(), p);
      fm.input(v.name(), t);
      io.add(new ConvertResult.Io(v.name(), true, dims.clone(), nhwc));
    }
    Ops ops = new Ops(this);
    for (Node n : g.nodes()) {
      if (!absorbed.contains(n)) {
        ops.lower(n);
      }
    }
    Set<Integer> used = new HashSet<>();
    for (ValueInfo v : g.inputs()) {
      used.add(index.get(v.name()));
    }
    for (ValueInfo o : g.outputs()) {
      if (!index.containsKey(o.name())) {
        throw GraftException.badInput("graph output %s is a constant; TFLite needs it computed",
            o.name());
      }
      // an image output computed in NHWC stays NHWC; any other keeps ONNX's axis order
      int[] held = layoutOf(o.name());
      boolean nhwc = options.ioLayout() == IoLayout.NHWC && java.util.Arrays.equals(held, Layout.NHWC);
      int t = ensure(o.name(), nhwc ? Layout.NHWC : Layout.identity(held.length));
      if (!used.add(t)) {
        int copy = fm.tensor(o.name(), fm.get(t).type, fm.get(t).shape);
        reshape(t, copy, fm.get(t).shape);
        t = copy;
        used.add(t);
      }
      fm.output(o.name(), t);
      io.add(new ConvertResult.Io(o.name(), false, dims(o.name()).clone(), nhwc));
    }
    return fm;
  }

  /** The inputs, then the outputs, with their axis order; filled by {@link #run()}. */
  List<ConvertResult.Io> io() {
    return List.copyOf(io);
  }

  // --- tensors and layouts ---

  /** The TFLite tensor and layout of every ONNX value held element for element. */
  Map<String, ConvertResult.Mapped> mapped() {
    Map<String, ConvertResult.Mapped> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : index.entrySet()) {
      if (!flatOrders.containsKey(e.getKey())) {
        out.put(e.getKey(), new ConvertResult.Mapped(e.getValue(), layoutOf(e.getKey())));
      }
    }
    return out;
  }

  boolean has(String onnxName) {
    return index.containsKey(onnxName);
  }

  int tensor(String onnxName) {
    Integer t = index.get(onnxName);
    if (t == null) {
      throw new IllegalStateException("tensor " + onnxName + " has not been lowered");
    }
    return t;
  }

  int[] layoutOf(String onnxName) {
    int[] p = layouts.get(onnxName);
    return p != null ? p : Layout.identity(dims(onnxName).length);
  }

  long[] dims(String onnxName) {
    ValueInfo v = g.info(onnxName).orElseThrow(
        () -> new IllegalStateException("no shape for tensor " + onnxName));
    return v.shape().sizes();
  }

  DType dtype(String onnxName) {
    return g.info(onnxName).orElseThrow().type();
  }

  Optional<TensorData> constant(String onnxName) {
    return onnxName.isEmpty() ? Optional.empty() : g.constant(onnxName);
  }

  /** Creates the activation tensor for ONNX tensor {@code onnxName} held in layout {@code p}. */
  int define(String onnxName, int[] p) {
    int t = fm.tensor(onnxName, tflType(dtype(onnxName), onnxName), Layout.apply(p, dims(onnxName)));
    bind(onnxName, t, p);
    return t;
  }

  /** Makes ONNX tensor {@code onnxName} an alias of an existing TFLite tensor. */
  void bind(String onnxName, int t, int[] p) {
    index.put(onnxName, t);
    layouts.put(onnxName, p);
  }

  /** Whether the tensor is held in layout {@code p}, or a copy in it was already made. */
  boolean heldIn(String onnxName, int[] p) {
    return java.util.Arrays.equals(layoutOf(onnxName), p)
        || variants.containsKey(onnxName + "@" + Layout.format(p));
  }

  /** The tensor in layout {@code target}, adding (once) a TRANSPOSE when it is held otherwise. */
  int ensure(String onnxName, int[] target) {
    if (!index.containsKey(onnxName)) {
      TensorData c = constant(onnxName).orElseThrow(
          () -> new IllegalStateException("tensor " + onnxName + " has not been lowered"));
      return constTensor(c, target);
    }
    int[] p = layoutOf(onnxName);
    if (java.util.Arrays.equals(p, target)) {
      return tensor(onnxName);
    }
    String key = onnxName + "@" + Layout.format(target);
    Integer cached = variants.get(key);
    if (cached != null) {
      return cached;
    }
    int src = tensor(onnxName);
    int[] perm = Layout.transposeBetween(p, target);
    int out = fm.tensor(onnxName + "_" + (Layout.isIdentity(target) ? "nchw" : "nhwc"),
        fm.get(src).type, Layout.apply(target, dims(onnxName)));
    if (Layout.sameOrder(perm, toLong(fm.get(src).shape))) {
      reshape(src, out, fm.get(out).shape);
    } else {
      fm.op(BuiltinOperator.TRANSPOSE, new int[] {src, fm.intVector(onnxName + "_perm", perm)},
          new int[] {out}, BuiltinOptions.TransposeOptions, new TransposeOptionsT());
    }
    variants.put(key, out);
    return out;
  }

  void reshape(int src, int out, int[] shape) {
    ReshapeOptionsT o = new ReshapeOptionsT();
    o.setNewShape(shape.clone());
    fm.op(BuiltinOperator.RESHAPE,
        new int[] {src, fm.intVector(fm.get(out).name + "_shape", shape)}, new int[] {out},
        BuiltinOptions.ReshapeOptions, o);
  }

  /**
   * A constant as a TFLite tensor: extended with leading 1s to the rank of {@code p} and held in
   * layout {@code p}. int64 values become int32, as TFLite kernels expect.
   */
  int constTensor(TensorData c, int[] p) {
    long[] d = c.dims();
    int rank = Math.max(p.length, d.length);
    long[] ext = new long[rank];
    java.util.Arrays.fill(ext, 1);
    System.arraycopy(d, 0, ext, rank - d.length, d.length);
    int[] perm = p.length == rank ? p : Layout.identity(rank);
    if (c.type() == DType.FLOAT) {
      byte[] data = Layout.permute(c.raw(), ext, perm, 4);
      return weights.floats(c.name(), Layout.apply(perm, ext), data);
    }
    if (c.type() == DType.INT64 || c.type() == DType.INT32) {
      long[] v = c.longs();
      ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (long x : v) {
        b.putInt(Math.toIntExact(x));
      }
      return fm.constant(c.name(), TensorType.INT32, Layout.apply(perm, ext),
          Layout.permute(b.array(), ext, perm, 4));
    }
    if (c.type() == DType.BOOL) {
      return fm.constant(c.name(), TensorType.BOOL, Layout.apply(perm, ext),
          Layout.permute(c.raw(), ext, perm, 1));
    }
    throw GraftException.badInput("constant %s of type %s cannot be written to TFLite", c.name(),
        c.type());
  }

  static byte tflType(DType t, String name) {
    switch (t) {
      case FLOAT:
        return TensorType.FLOAT32;
      case INT64:
      case INT32:
        return TensorType.INT32;
      case BOOL:
        return TensorType.BOOL;
      case INT8:
        return TensorType.INT8;
      case UINT8:
        return TensorType.UINT8;
      case FLOAT16:
        return TensorType.FLOAT16;
      default:
        throw GraftException.badInput("tensor %s has type %s, which Graft cannot write to TFLite",
            name, t);
    }
  }

  static long[] toLong(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  // --- fusion of a following activation ---

  /** The activation fused into {@code n}'s output and the ONNX tensor the fused op writes. */
  record Fused(byte activation, String output) {}

  Fused fuseActivation(Node n) {
    String out = n.output(0);
    List<Node> c = g.consumers(out);
    if (c.size() != 1 || g.outputNames().contains(out) || dtype(out) != DType.FLOAT) {
      return new Fused(ActivationFunctionType.NONE, out);
    }
    Node a = c.get(0);
    byte act = ActivationFunctionType.NONE;
    if (a.op() == Op.RELU) {
      act = ActivationFunctionType.RELU;
    } else if (a.op() == Op.CLIP) {
      float[] mm = clipRange(a);
      if (mm != null && mm[0] == 0f && mm[1] == 6f) {
        act = ActivationFunctionType.RELU6;
      } else if (mm != null && mm[0] == 0f && mm[1] == Float.POSITIVE_INFINITY) {
        act = ActivationFunctionType.RELU;
      } else if (mm != null && mm[0] == -1f && mm[1] == 1f) {
        act = ActivationFunctionType.RELU_N1_TO_1;
      }
    }
    if (act == ActivationFunctionType.NONE) {
      return new Fused(act, out);
    }
    absorbed.add(a);
    return new Fused(act, a.output(0));
  }

  /** Clip's bounds from attributes or constant inputs, or null when they are computed. */
  float[] clipRange(Node clip) {
    float lo = clip.attrFloat("min", Float.NEGATIVE_INFINITY);
    float hi = clip.attrFloat("max", Float.POSITIVE_INFINITY);
    if (!clip.input(1).isEmpty()) {
      Optional<TensorData> t = constant(clip.input(1));
      if (t.isEmpty()) {
        return null;
      }
      lo = t.get().floats()[0];
    }
    if (!clip.input(2).isEmpty()) {
      Optional<TensorData> t = constant(clip.input(2));
      if (t.isEmpty()) {
        return null;
      }
      hi = t.get().floats()[0];
    }
    return new float[] {lo, hi};
  }
}
