package dev.graft.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every operator Graft understands, with the inputs, outputs and attributes it may have. This is
 * the one op enum of the IR: reading a model with an operator outside it is refused by node name,
 * and every node Graft builds is checked against it by {@link GraphValidator}.
 */
public enum Op {
  // Convolution, normalization, pooling
  CONV("Conv", 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"),
  CONV_TRANSPOSE(
      "ConvTranspose", 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape",
      "output_padding", "output_shape", "pads", "strides"),
  BATCH_NORMALIZATION(
      "BatchNormalization", 5, 5, 1, 3, "epsilon", "momentum", "training_mode", "spatial"),
  LAYER_NORMALIZATION("LayerNormalization", 2, 3, 1, 3, "axis", "epsilon", "stash_type"),
  MAX_POOL(
      "MaxPool", 1, 1, 1, 2, "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
      "storage_order", "strides"),
  AVERAGE_POOL(
      "AveragePool", 1, 1, 1, 1, "auto_pad", "ceil_mode", "count_include_pad", "dilations",
      "kernel_shape", "pads", "strides"),
  GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 1, 1, 1),
  GLOBAL_MAX_POOL("GlobalMaxPool", 1, 1, 1, 1),
  // Linear algebra
  GEMM("Gemm", 2, 3, 1, 1, "alpha", "beta", "transA", "transB"),
  MAT_MUL("MatMul", 2, 2, 1, 1),
  // Elementwise binary
  ADD("Add", 2, 2, 1, 1),
  SUB("Sub", 2, 2, 1, 1),
  MUL("Mul", 2, 2, 1, 1),
  DIV("Div", 2, 2, 1, 1),
  POW("Pow", 2, 2, 1, 1),
  EQUAL("Equal", 2, 2, 1, 1),
  LESS("Less", 2, 2, 1, 1),
  GREATER("Greater", 2, 2, 1, 1),
  AND("And", 2, 2, 1, 1),
  MIN("Min", 1, Op.VARIADIC, 1, 1),
  MAX("Max", 1, Op.VARIADIC, 1, 1),
  SUM("Sum", 1, Op.VARIADIC, 1, 1),
  WHERE("Where", 3, 3, 1, 1),
  // Elementwise unary and activations
  RELU("Relu", 1, 1, 1, 1),
  LEAKY_RELU("LeakyRelu", 1, 1, 1, 1, "alpha"),
  CLIP("Clip", 1, 3, 1, 1, "min", "max"),
  SIGMOID("Sigmoid", 1, 1, 1, 1),
  HARD_SIGMOID("HardSigmoid", 1, 1, 1, 1, "alpha", "beta"),
  HARD_SWISH("HardSwish", 1, 1, 1, 1),
  TANH("Tanh", 1, 1, 1, 1),
  ERF("Erf", 1, 1, 1, 1),
  GELU("Gelu", 1, 1, 1, 1, "approximate"),
  EXP("Exp", 1, 1, 1, 1),
  LOG("Log", 1, 1, 1, 1),
  SQRT("Sqrt", 1, 1, 1, 1),
  RECIPROCAL("Reciprocal", 1, 1, 1, 1),
  NEG("Neg", 1, 1, 1, 1),
  ABS("Abs", 1, 1, 1, 1),
  NOT("Not", 1, 1, 1, 1),
  IS_NAN("IsNaN", 1, 1, 1, 1),
  SOFTMAX("Softmax", 1, 1, 1, 1, "axis"),
  LOG_SOFTMAX("LogSoftmax", 1, 1, 1, 1, "axis"),
  IDENTITY("Identity", 1, 1, 1, 1),
  DROPOUT("Dropout", 1, 3, 1, 2, "ratio", "seed", "is_test"),
  CAST("Cast", 1, 1, 1, 1, "to", "saturate"),
  // Reductions
  REDUCE_MEAN("ReduceMean", 1, 2, 1, 1, "axes", "keepdims", "noop_with_empty_axes"),
  REDUCE_SUM("ReduceSum", 1, 2, 1, 1, "axes", "keepdims", "noop_with_empty_axes"),
  REDUCE_MAX("ReduceMax", 1, 2, 1, 1, "axes", "keepdims", "noop_with_empty_axes"),
  ARG_MAX("ArgMax", 1, 1, 1, 1, "axis", "keepdims", "select_last_index"),
  // Shape and layout
  RESHAPE("Reshape", 2, 2, 1, 1, "allowzero"),
  FLATTEN("Flatten", 1, 1, 1, 1, "axis"),
  TRANSPOSE("Transpose", 1, 1, 1, 1, "perm"),
  CONCAT("Concat", 1, Op.VARIADIC, 1, 1, "axis"),
  SPLIT("Split", 1, 2, 1, Op.VARIADIC, "axis", "split", "num_outputs"),
  SLICE("Slice", 1, 5, 1, 1, "starts", "ends", "axes"),
  GATHER("Gather", 2, 2, 1, 1, "axis"),
  GATHER_ELEMENTS("GatherElements", 2, 2, 1, 1, "axis"),
  GATHER_ND("GatherND", 2, 2, 1, 1, "batch_dims"),
  SHAPE("Shape", 1, 1, 1, 1, "start", "end"),
  UNSQUEEZE("Unsqueeze", 1, 2, 1, 1, "axes"),
  SQUEEZE("Squeeze", 1, 2, 1, 1, "axes"),
  EXPAND("Expand", 2, 2, 1, 1),
  TRILU("Trilu", 1, 2, 1, 1, "upper"),
  TILE("Tile", 2, 2, 1, 1),
  DEPTH_TO_SPACE("DepthToSpace", 1, 1, 1, 1, "blocksize", "mode"),
  SPACE_TO_DEPTH("SpaceToDepth", 1, 1, 1, 1, "blocksize"),
  PAD("Pad", 1, 4, 1, 1, "mode", "pads", "value"),
  RESIZE(
      "Resize", 1, 4, 1, 1, "antialias", "axes", "coordinate_transformation_mode",
      "cubic_coeff_a", "exclude_outside", "extrapolation_value", "keep_aspect_ratio_policy",
      "mode", "nearest_mode"),
  CONSTANT(
      "Constant", 0, 0, 1, 1, "value", "value_float", "value_floats", "value_int", "value_ints",
      "value_string", "value_strings", "sparse_value"),
  CONSTANT_OF_SHAPE("ConstantOfShape", 1, 1, 1, 1, "value"),
  RANGE("Range", 3, 3, 1, 1),
  // Quantization
  QUANTIZE_LINEAR("QuantizeLinear", 2, 3, 1, 1, "axis", "saturate", "block_size"),
  DEQUANTIZE_LINEAR("DequantizeLinear", 2, 3, 1, 1, "axis", "block_size");

  /** Marks an unbounded number of inputs or outputs. */
  public static final int VARIADIC = Integer.MAX_VALUE;

  private static final Map<String, Op> BY_ONNX_NAME = new HashMap<>();

  static {
    for (Op op : values()) {
      BY_ONNX_NAME.put(op.onnxName, op);
    }
  }

  private final String onnxName;
  private final int minInputs;
  private final int maxInputs;
  private final int minOutputs;
  private final int maxOutputs;
  private final Set<String> attributes;

  Op(String onnxName, int minIn, int maxIn, int minOut, int maxOut, String... attributes) {
    this.onnxName = onnxName;
    this.minInputs = minIn;
    this.maxInputs = maxIn;
    this.minOutputs = minOut;
    this.maxOutputs = maxOut;
    this.attributes = Collections.unmodifiableSet(new TreeSet<>(Arrays.asList(attributes)));
  }

  /** The operator's name in ONNX's default domain. */
  public String onnxName() {
    return onnxName;
  }

  public int minInputs() {
    return minInputs;
  }

  public int maxInputs() {
    return maxInputs;
  }

  public int minOutputs() {
    return minOutputs;
  }

  public int maxOutputs() {
    return maxOutputs;
  }

  /** Names of the attributes this operator may carry. */
  public Set<String> attributes() {
    return attributes;
  }

  /** The operator for an ONNX op type in the default domain, if Graft supports it. */
  public static Optional<Op> fromOnnx(String opType) {
    return Optional.ofNullable(BY_ONNX_NAME.get(opType));
  }

  /** ONNX names of every supported operator, sorted. */
  public static List<String> onnxNames() {
    return BY_ONNX_NAME.keySet().stream().sorted().toList();
  }

  /** True for ops whose output depends on one input elementwise, with the same shape. */
  public boolean isUnaryElementwise() {
    switch (this) {
      case RELU: case LEAKY_RELU: case CLIP: case SIGMOID: case HARD_SIGMOID: case HARD_SWISH:
      case TANH: case ERF: case GELU: case EXP: case LOG: case SQRT: case RECIPROCAL: case NEG:
      case ABS: case NOT: case IS_NAN: case IDENTITY:
        return true;
      default:
        return false;
    }
  }

  /** True for elementwise ops with numpy-style broadcasting over all inputs. */
  public boolean isBroadcasting() {
    switch (this) {
      case ADD: case SUB: case MUL: case DIV: case POW: case EQUAL: case LESS: case GREATER:
      case AND: case MIN: case MAX: case SUM: case WHERE:
        return true;
      default:
        return false;
    }
  }
}
