package dev.graft.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.MetadataT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.SignatureDefT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorMapT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

/**
 * A TFLite model under construction: one subgraph of tensors and operators, constant buffers, a
 * signature def and string metadata. {@link #toBytes()} packs it with the TFLite schema classes.
 * Not thread-safe.
 */
final class FlatModel {
  /** One tensor as it will be written. */
  static final class Tensor {
    String name;
    byte type;
    int[] shape;
    int buffer;
    QuantizationParametersT quant;

    Tensor(String name, byte type, int[] shape, int buffer) {
      this.name = name;
      this.type = type;
      this.shape = shape.clone();
      this.buffer = buffer;
    }
  }

  private final List<Tensor> tensors = new ArrayList<>();
  private final List<byte[]> buffers = new ArrayList<>();
  private final List<OperatorT> operators = new ArrayList<>();
  private final List<Integer> builtins = new ArrayList<>();
  private final Map<Integer, Integer> opcodeIndex = new LinkedHashMap<>();
  private final Map<String, Integer> names = new HashMap<>();
  private final List<Integer> inputs = new ArrayList<>();
  private final List<Integer> outputs = new ArrayList<>();
  private final List<String> inputNames = new ArrayList<>();
  private final List<String> outputNames = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  FlatModel() {
    buffers.add(new byte[0]); // buffer 0 is the empty sentinel the schema asks for
  }

  /** A tensor without data (an activation); its name is made unique if taken. */
  int tensor(String name, byte type, int[] shape) {
    Tensor t = new Tensor(unique(name), type, shape, 0);
    tensors.add(t);
    return tensors.size() - 1;
  }

  /** A constant tensor holding little-endian bytes. */
  int constant(String name, byte type, int[] shape, byte[] data) {
    buffers.add(data);
    Tensor t = new Tensor(unique(name), type, shape, buffers.size() - 1);
    tensors.add(t);
    return tensors.size() - 1;
  }

  int constFloats(String name, int[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return constant(name, TensorType.FLOAT32, shape, b.array());
  }

  int constInts(String name, int[] shape, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return constant(name, TensorType.INT32, shape, b.array());
  }

  /** A 1-D int32 constant. */
  int intVector(String name, int... values) {
    return constInts(name, new int[] {values.length}, values);
  }

  Tensor get(int index) {
    return tensors.get(index);
  }

  boolean isConstant(int index) {
    return tensors.get(index).buffer != 0;
  }

  byte[] data(int index) {
    return buffers.get(tensors.get(index).buffer);
  }

  void replaceData(int index, byte type, byte[] data) {
    Tensor t = tensors.get(index);
    buffers.set(t.buffer, data);
    t.type = type;
  }

  int tensorCount() {
    return tensors.size();
  }

  /** Appends an operator; use -1 for an omitted optional input. */
  void op(int builtin, int[] in, int[] out, byte optionsType, Object options) {
    OperatorT o = new OperatorT();
    o.setOpcodeIndex(opcodeIndex.computeIfAbsent(builtin, k -> opcodeIndex.size()));
    o.setInputs(in.clone());
    o.setOutputs(out.clone());
    if (options != null) {
      BuiltinOptionsUnion u = new BuiltinOptionsUnion();
      u.setType(optionsType);
      u.setValue(options);
      o.setBuiltinOptions(u);
    }
    operators.add(o);
    builtins.add(builtin);
  }

  /** Inserts an operator without options at {@code position} of the execution order. */
  void insertOp(int position, int builtin, int[] in, int[] out) {
    OperatorT o = new OperatorT();
    o.setOpcodeIndex(opcodeIndex.computeIfAbsent(builtin, k -> opcodeIndex.size()));
    o.setInputs(in.clone());
    o.setOutputs(out.clone());
    operators.add(position, o);
    builtins.add(position, builtin);
  }

  /** A new operator, not yet placed; see {@link #setOps}. */
  OperatorT makeOp(int builtin, int[] in, int[] out) {
    OperatorT o = new OperatorT();
    o.setOpcodeIndex(opcodeIndex.computeIfAbsent(builtin, k -> opcodeIndex.size()));
    o.setInputs(in.clone());
    o.setOutputs(out.clone());
    return o;
  }

  /** Replaces the execution order; {@code codes} are the builtin codes of {@code ops}. */
  void setOps(List<OperatorT> ops, List<Integer> codes) {
    operators.clear();
    operators.addAll(ops);
    builtins.clear();
    builtins.addAll(codes);
  }

  List<OperatorT> operators() {
    return operators;
  }

  int builtin(int opIndex) {
    return builtins.get(opIndex);
  }

  List<Integer> inputs() {
    return inputs;
  }

  List<Integer> outputs() {
    return outputs;
  }

  void op(int builtin, int[] in, int[] out) {
    op(builtin, in, out, (byte) 0, null);
  }

  int operatorCount() {
    return operators.size();
  }

  void input(String signatureName, int tensor) {
    inputs.add(tensor);
    inputNames.add(signatureName);
  }

  void output(String signatureName, int tensor) {
    outputs.add(tensor);
    outputNames.add(signatureName);
  }

  void metadata(String key, String value) {
    metadata.put(key, value);
  }

  private String unique(String name) {
    String n = name;
    int k = names.merge(name, 1, Integer::sum);
    if (k > 1) {
      n = name + "_" + (k - 1);
      names.put(n, 1);
    }
    return n;
  }

  byte[] toBytes(String description) {
    return toBytes(description, outputs, outputNames);
  }

  /** The model with other subgraph outputs, for reading intermediate tensors. */
  byte[] toBytes(String description, List<Integer> outs, List<String> outNames) {
    ModelT m = new ModelT();
    m.setVersion(3);
    m.setDescription(description);
    List<byte[]> allBuffers = new ArrayList<>(buffers);
    List<MetadataT> meta = new ArrayList<>();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      allBuffers.add(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      MetadataT md = new MetadataT();
      md.setName(e.getKey());
      md.setBuffer(allBuffers.size() - 1);
      meta.add(md);
    }
    BufferT[] bs = new BufferT[allBuffers.size()];
    for (int i = 0; i < bs.length; i++) {
      bs[i] = new BufferT();
      byte[] d = allBuffers.get(i);
      int[] v = new int[d.length];
      for (int k = 0; k < d.length; k++) {
        v[k] = d[k] & 0xff;
      }
      bs[i].setData(v);
    }
    m.setBuffers(bs);
    m.setMetadata(meta.toArray(new MetadataT[0]));
    OperatorCodeT[] codes = new OperatorCodeT[opcodeIndex.size()];
    for (Map.Entry<Integer, Integer> e : opcodeIndex.entrySet()) {
      OperatorCodeT c = new OperatorCodeT();
      c.setBuiltinCode(e.getKey());
      c.setDeprecatedBuiltinCode((byte) Math.min(e.getKey(), BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES));
      c.setVersion(e.getKey() == BuiltinOperator.BROADCAST_TO ? 2 : 1);
      codes[e.getValue()] = c;
    }
    m.setOperatorCodes(codes);
    SubGraphT sg = new SubGraphT();
    sg.setName("main");
    TensorT[] ts = new TensorT[tensors.size()];
    for (int i = 0; i < ts.length; i++) {
      Tensor t = tensors.get(i);
      TensorT tt = new TensorT();
      tt.setName(t.name);
      tt.setType(t.type);
      tt.setShape(t.shape);
      tt.setShapeSignature(t.shape);
      tt.setHasRank(true);
      tt.setBuffer(t.buffer);
      if (t.quant != null) {
        tt.setQuantization(t.quant);
      }
      ts[i] = tt;
    }
    sg.setTensors(ts);
    sg.setInputs(inputs.stream().mapToInt(Integer::intValue).toArray());
    sg.setOutputs(outs.stream().mapToInt(Integer::intValue).toArray());
    sg.setOperators(operators.toArray(new OperatorT[0]));
    m.setSubgraphs(new SubGraphT[] {sg});
    SignatureDefT sig = new SignatureDefT();
    sig.setSignatureKey("serving_default");
    sig.setSubgraphIndex(0);
    sig.setInputs(maps(inputNames, inputs));
    sig.setOutputs(maps(outNames, outs));
    m.setSignatureDefs(new SignatureDefT[] {sig});
    FlatBufferBuilder fb = new FlatBufferBuilder(1 << 16);
    int root = Model.pack(fb, m);
    Model.finishModelBuffer(fb, root);
    return fb.sizedByteArray();
  }

  private static TensorMapT[] maps(List<String> names, List<Integer> indices) {
    TensorMapT[] out = new TensorMapT[names.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new TensorMapT();
      out[i].setName(names.get(i));
      out[i].setTensorIndex(indices.get(i));
    }
    return out;
  }
}
