package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.quant.QuantParams;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SignatureDef;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;

/**
 * A read-only view of a TFLite flatbuffer through the schema classes: operator counts, tensor
 * types, signature names and metadata. Used to check what the writer produced.
 *
 * <pre>{@code
 * TfliteModel m = TfliteModel.read(bytes);
 * int transposes = m.opCounts().getOrDefault("TRANSPOSE", 0);
 * }</pre>
 */
public final class TfliteModel {
  private final Model model;

  private TfliteModel(Model model) {
    this.model = model;
  }

  public static TfliteModel read(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < 8 || !Model.ModelBufferHasIdentifier(b)) {
      throw GraftException.badInput("not a TFLite flatbuffer (no TFL3 identifier)");
    }
    return new TfliteModel(Model.getRootAsModel(b));
  }

  /**
   * Reads a TFLite file a user gave and checks its structure — every buffer, tensor, operator and
   * subgraph index in range, every shape non-negative — so that a damaged file is bad input here
   * rather than a failure inside LiteRT.
   */
  public static TfliteModel check(byte[] bytes, String where) {
    TfliteModel m;
    try {
      m = read(bytes);
    } catch (GraftException e) {
      throw GraftException.badInput("%s is %s", where, e.getMessage());
    }
    try {
      String problem = m.structureProblem(bytes.length);
      if (problem != null) {
        throw GraftException.badInput("%s is not a valid TFLite file: %s", where, problem);
      }
    } catch (GraftException e) {
      throw e;
    } catch (RuntimeException e) {
      throw GraftException.badInput("%s is not a valid TFLite file (damaged flatbuffer: %s)",
          where, e.getClass().getSimpleName());
    }
    return m;
  }

  private String structureProblem(long fileSize) {
    int buffers = model.buffersLength();
    int codes = model.operatorCodesLength();
    if (model.subgraphsLength() < 1) {
      return "it has no subgraph";
    }
    for (int i = 0; i < buffers; i++) {
      if (model.buffers(i).dataLength() > fileSize) {
        return "buffer " + i + " is longer than the file";
      }
    }
    for (int g = 0; g < model.subgraphsLength(); g++) {
      SubGraph sg = model.subgraphs(g);
      int tensors = sg.tensorsLength();
      for (int t = 0; t < tensors; t++) {
        Tensor x = sg.tensors(t);
        if (x.buffer() >= buffers && buffers > 0) {
          return "tensor " + t + " names buffer " + x.buffer() + " of " + buffers;
        }
        for (int d = 0; d < x.shapeLength(); d++) {
          if (x.shape(d) < 0) {
            return "tensor " + t + " has a negative dimension";
          }
        }
        TensorType.name(x.type());
      }
      for (int o = 0; o < sg.operatorsLength(); o++) {
        Operator op = sg.operators(o);
        if (op.opcodeIndex() < 0 || op.opcodeIndex() >= codes) {
          return "operator " + o + " names operator code " + op.opcodeIndex() + " of " + codes;
        }
        for (int i = 0; i < op.inputsLength(); i++) {
          if (op.inputs(i) < -1 || op.inputs(i) >= tensors) {
            return "operator " + o + " reads tensor " + op.inputs(i) + " of " + tensors;
          }
        }
        for (int i = 0; i < op.outputsLength(); i++) {
          if (op.outputs(i) < 0 || op.outputs(i) >= tensors) {
            return "operator " + o + " writes tensor " + op.outputs(i) + " of " + tensors;
          }
        }
      }
      for (int i = 0; i < sg.inputsLength(); i++) {
        if (sg.inputs(i) < 0 || sg.inputs(i) >= tensors) {
          return "subgraph input " + i + " is tensor " + sg.inputs(i) + " of " + tensors;
        }
      }
      for (int i = 0; i < sg.outputsLength(); i++) {
        if (sg.outputs(i) < 0 || sg.outputs(i) >= tensors) {
          return "subgraph output " + i + " is tensor " + sg.outputs(i) + " of " + tensors;
        }
      }
    }
    return null;
  }

  private SubGraph main() {
    return model.subgraphs(0);
  }

  /** Operator counts by builtin name, sorted by name. */
  public Map<String, Integer> opCounts() {
    Map<String, Integer> out = new TreeMap<>();
    SubGraph sg = main();
    for (int i = 0; i < sg.operatorsLength(); i++) {
      Operator op = sg.operators(i);
      int code = model.operatorCodes((int) op.opcodeIndex()).builtinCode();
      out.merge(BuiltinOperator.name(code), 1, Integer::sum);
    }
    return out;
  }

  /** Builtin names of the operators in execution order. */
  public List<String> operators() {
    List<String> out = new ArrayList<>();
    SubGraph sg = main();
    for (int i = 0; i < sg.operatorsLength(); i++) {
      int code = model.operatorCodes((int) sg.operators(i).opcodeIndex()).builtinCode();
      out.add(BuiltinOperator.name(code));
    }
    return out;
  }

  /** The element type names of the subgraph's inputs, e.g. FLOAT32. */
  public List<String> inputTypes() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < main().inputsLength(); i++) {
      out.add(TensorType.name(main().tensors(main().inputs(i)).type()));
    }
    return out;
  }

  /** The element type names of the subgraph's outputs, e.g. INT8. */
  public List<String> outputTypes() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < main().outputsLength(); i++) {
      out.add(TensorType.name(main().tensors(main().outputs(i)).type()));
    }
    return out;
  }

  /**
   * Per-tensor quantization of each input ({@code real = scale × (q − zeroPoint)}), null for
   * inputs that are not int8: what a caller needs to feed an int8-I/O model.
   */
  public List<QuantParams> inputQuantization() {
    List<QuantParams> out = new ArrayList<>();
    for (int i = 0; i < main().inputsLength(); i++) {
      out.add(quantization(main().tensors(main().inputs(i))));
    }
    return out;
  }

  /** Per-tensor quantization of each output, null for outputs that are not int8. */
  public List<QuantParams> outputQuantization() {
    List<QuantParams> out = new ArrayList<>();
    for (int i = 0; i < main().outputsLength(); i++) {
      out.add(quantization(main().tensors(main().outputs(i))));
    }
    return out;
  }

  /**
   * The quantization step of each output by tensor name: of the output itself when it is int8, or
   * of the int8 tensor a boundary DEQUANTIZE made it from; outputs computed in float are absent.
   */
  public Map<String, Double> outputSteps() {
    SubGraph sg = main();
    Map<Integer, Integer> dequantizedFrom = dequantized(false);
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < sg.outputsLength(); i++) {
      int t = sg.outputs(i);
      QuantParams q = quantization(sg.tensors(t));
      if (q == null && dequantizedFrom.containsKey(t)) {
        q = quantization(sg.tensors(dequantizedFrom.get(t)));
      }
      if (q != null) {
        out.put(sg.tensors(t).name(), (double) q.scale());
      }
    }
    return out;
  }

  private static QuantParams quantization(Tensor t) {
    QuantizationParameters q = t.quantization();
    if (t.type() != TensorType.INT8 || q == null || q.scaleLength() != 1) {
      return null;
    }
    return new QuantParams(q.scale(0), (int) q.zeroPoint(0));
  }

  /** Shapes of the subgraph's inputs. */
  public List<int[]> inputShapes() {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < main().inputsLength(); i++) {
      var t = main().tensors(main().inputs(i));
      int[] s = new int[t.shapeLength()];
      for (int k = 0; k < s.length; k++) {
        s[k] = t.shape(k);
      }
      out.add(s);
    }
    return out;
  }

  /** Element type names of all tensors holding data, counted. */
  public Map<String, Integer> constantTypes() {
    Map<String, Integer> out = new TreeMap<>();
    SubGraph sg = main();
    for (int i = 0; i < sg.tensorsLength(); i++) {
      var t = sg.tensors(i);
      Buffer b = model.buffers((int) t.buffer());
      if (t.buffer() != 0 && b.dataLength() > 0) {
        out.merge(TensorType.name(t.type()), 1, Integer::sum);
      }
    }
    return out;
  }

  /** The signature's input names, then its output names. */
  public List<String> signatureInputs() {
    SignatureDef s = model.signatureDefs(0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.inputsLength(); i++) {
      out.add(s.inputs(i).name());
    }
    return out;
  }

  public List<String> signatureOutputs() {
    SignatureDef s = model.signatureDefs(0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.outputsLength(); i++) {
      out.add(s.outputs(i).name());
    }
    return out;
  }

  /**
   * For each conv, depthwise and fully connected operator: its name and how its filter and bias
   * are stored, e.g. {@code CONV_2D FLOAT16>FLOAT32 FLOAT16>FLOAT32} (fp16 constants dequantized
   * at load) or {@code FULLY_CONNECTED INT8 FLOAT32} (a hybrid kernel's int8 filter); {@code -}
   * for an omitted bias.
   */
  public List<String> layerParameters() {
    SubGraph sg = main();
    Map<Integer, Integer> dequantizedFrom = dequantized(true);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < sg.operatorsLength(); i++) {
      Operator op = sg.operators(i);
      int code = model.operatorCodes((int) op.opcodeIndex()).builtinCode();
      if (code != BuiltinOperator.CONV_2D && code != BuiltinOperator.DEPTHWISE_CONV_2D
          && code != BuiltinOperator.FULLY_CONNECTED) {
        continue;
      }
      StringBuilder b = new StringBuilder(BuiltinOperator.name(code));
      for (int k = 1; k <= 2; k++) {
        int t = k < op.inputsLength() ? op.inputs(k) : -1;
        b.append(' ');
        if (t < 0) {
          b.append('-');
        } else if (dequantizedFrom.containsKey(t)) {
          b.append(TensorType.name(sg.tensors(dequantizedFrom.get(t)).type())).append('>')
              .append(TensorType.name(sg.tensors(t).type()));
        } else {
          b.append(TensorType.name(sg.tensors(t).type()));
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  /** Tensor made by a DEQUANTIZE to the tensor it reads; of constants only, if asked. */
  private Map<Integer, Integer> dequantized(boolean constantsOnly) {
    SubGraph sg = main();
    Map<Integer, Integer> from = new java.util.HashMap<>();
    for (int i = 0; i < sg.operatorsLength(); i++) {
      Operator op = sg.operators(i);
      int code = model.operatorCodes((int) op.opcodeIndex()).builtinCode();
      if (code == BuiltinOperator.DEQUANTIZE
          && (!constantsOnly || sg.tensors(op.inputs(0)).buffer() != 0)) {
        from.put(op.outputs(0), op.inputs(0));
      }
    }
    return from;
  }

  /** Metadata entries whose buffers hold UTF-8 text. */
  public Map<String, String> metadata() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < model.metadataLength(); i++) {
      var m = model.metadata(i);
      Buffer b = model.buffers((int) m.buffer());
      byte[] d = new byte[b.dataLength()];
      for (int k = 0; k < d.length; k++) {
        d[k] = (byte) b.data(k);
      }
      out.put(m.name(), new String(d, StandardCharsets.UTF_8));
    }
    return out;
  }
}
