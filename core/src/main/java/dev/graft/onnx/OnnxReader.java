package dev.graft.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.GraphValidator;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.AtomicFiles;
import dev.graft.io.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model into the IR. Weights are kept as raw bytes; external data is read from files
 * beside the model, and a location that escapes the model's folder is refused.
 *
 * <pre>{@code
 * Graph g = OnnxReader.read(Path.of("model.onnx"));
 * }</pre>
 */
public final class OnnxReader {
  private OnnxReader() {}

  public static Graph read(Path file) {
    byte[] bytes = AtomicFiles.readInput(file, "model file");
    return parse(bytes, file.toString(), file.toAbsolutePath().getParent());
  }

  /**
   * Parses model bytes; {@code where} names the model in messages and {@code baseDir} is where
   * external data lives (null when there is none).
   */
  public static Graph parse(byte[] bytes, String where, Path baseDir) {
    OnnxMl.ModelProto model;
    try {
      model = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw GraftException.badInput(
          "%s is not a readable ONNX model (truncated or not protobuf: %s)", where, e.getMessage());
    }
    if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getGraph().getOutputCount() == 0) {
      throw GraftException.badInput(
          "%s is not an ONNX model (no graph with outputs and no IR version)", where);
    }
    int opset = 0;
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) o.getVersion();
      }
    }
    if (opset == 0) {
      throw GraftException.badInput("%s imports no opset of the default ONNX domain", where);
    }
    OnnxMl.GraphProto gp = model.getGraph();
    TensorReader tensors = new TensorReader(where, baseDir);
    Graph.Builder b =
        Graph.builder()
            .name(gp.getName().isEmpty() ? "model" : gp.getName())
            .opset(opset)
            .producerName(model.getProducerName());
    for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
      b.metadata(e.getKey(), e.getValue());
    }
    Set<String> initNames = new HashSet<>();
    for (OnnxMl.TensorProto t : gp.getInitializerList()) {
      b.initializer(tensors.read(t));
      initNames.add(t.getName());
    }
    for (OnnxMl.ValueInfoProto v : gp.getInputList()) {
      if (!initNames.contains(v.getName())) {
        b.input(Types.valueInfo(v, where));
      }
    }
    for (OnnxMl.ValueInfoProto v : gp.getOutputList()) {
      b.output(Types.valueInfo(v, where));
    }
    for (OnnxMl.ValueInfoProto v : gp.getValueInfoList()) {
      if (v.getType().hasTensorType()) {
        b.valueInfo(Types.valueInfo(v, where));
      }
    }
    Set<String> names = new HashSet<>();
    int index = 0;
    for (OnnxMl.NodeProto np : gp.getNodeList()) {
      String name = np.getName().isEmpty() ? np.getOpType() + "_" + index : np.getName();
      while (!names.add(name)) {
        name = name + "_" + index;
      }
      b.node(node(np, name, where, tensors));
      index++;
    }
    Graph g = GraphValidator.validate(b.build());
    try {
      return GraphValidator.validateTypesAndShapes(g);
    } catch (GraftException e) {
      throw GraftException.badInput("%s: %s", where, e.getMessage());
    }
  }

  private static Node node(OnnxMl.NodeProto np, String name, String where, TensorReader tensors) {
    String domain = np.getDomain();
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      throw GraftException.badInput(
          "%s: node %s uses operator %s:%s, which Graft does not support (only the default ONNX"
              + " domain)",
          where, name, domain, np.getOpType());
    }
    Op op =
        Op.fromOnnx(np.getOpType())
            .orElseThrow(
                () ->
                    GraftException.badInput(
                        "%s: node %s uses operator %s, which Graft does not support",
                        where, name, np.getOpType()));
    List<Attribute> attrs = new ArrayList<>();
    for (OnnxMl.AttributeProto a : np.getAttributeList()) {
      attrs.add(attribute(a, name, where, tensors));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (OnnxMl.StringStringEntryProto e : np.getMetadataPropsList()) {
      metadata.put(e.getKey(), e.getValue());
    }
    return new Node(name, op, np.getInputList(), np.getOutputList(), attrs, metadata);
  }

  private static Attribute attribute(
      OnnxMl.AttributeProto a, String node, String where, TensorReader tensors) {
    String n = a.getName();
    switch (a.getType()) {
      case FLOAT:
        return Attribute.of(n, a.getF());
      case INT:
        return Attribute.of(n, a.getI());
      case STRING:
        return Attribute.of(n, a.getS().toStringUtf8());
      case TENSOR:
        return Attribute.of(n, tensors.read(a.getT()));
      case FLOATS: {
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
          f[i] = a.getFloats(i);
        }
        return Attribute.floats(n, f);
      }
      case INTS:
        return Attribute.ints(n, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
      case STRINGS:
        return Attribute.strings(
            n, a.getStringsList().stream().map(s -> s.toStringUtf8()).toList());
      default:
        throw GraftException.badInput(
            "%s: node %s has attribute %s of kind %s, which Graft does not support",
            where, node, n, a.getType());
    }
  }

  static DType dtype(int code, String where, String tensor) {
    try {
      return DType.fromOnnx(code);
    } catch (GraftException e) {
      throw GraftException.badInput("%s: tensor %s has unsupported element type %d", where,
          tensor, code);
    }
  }

  static TensorData readTensor(OnnxMl.TensorProto t) {
    return new TensorReader("tensor", null).read(t);
  }
}
