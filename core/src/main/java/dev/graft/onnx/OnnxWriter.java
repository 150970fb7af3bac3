package dev.graft.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.GraphValidator;
import dev.graft.graph.Node;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Writes the IR as an ONNX model that ONNX Runtime loads. Weights are written as the raw bytes the
 * IR holds, so unchanged weights stay bit-exact. Files are written atomically.
 */
public final class OnnxWriter {
  /**
   * The version Graft writes into producer_version and model metadata: the project version of the
   * build ({@code dev/graft/graft.properties}, filled in from pom.xml).
   */
  public static final String GRAFT_VERSION = buildVersion();

  private OnnxWriter() {}

  private static String buildVersion() {
    Properties p = new Properties();
    try (InputStream in = OnnxWriter.class.getResourceAsStream("/dev/graft/graft.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read Graft's build version", e);
    }
    String v = p.getProperty("version", "");
    if (v.isEmpty() || v.contains("${")) {
      throw new IllegalStateException("Graft's build version is missing from graft.properties:"
          + " build with Maven, which fills it in");
    }
    return v;
  }

  public static void write(Graph g, Path file) {
    byte[] bytes = toBytes(g);
    AtomicFiles.write(file, bytes);
  }

  /** The largest model Graft writes as one file: protobuf's 2 GB limit. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  public static byte[] toBytes(Graph g) {
    long weights = 0;
    for (dev.graft.graph.TensorData t : g.initializers().values()) {
      weights += t.elementCount() * t.type().byteSize();
    }
    if (weights > MAX_BYTES) {
      throw dev.graft.GraftException.failure("the model holds %.2f GB of weights; Graft writes"
          + " ONNX models of up to 2 GB (one protobuf message)", weights / 1e9);
    }
    OnnxMl.ModelProto proto = toProto(g);
    if (proto.getSerializedSize() < 0 || proto.getSerializedSize() > MAX_BYTES) {
      throw dev.graft.GraftException.failure("the model is larger than 2 GB; Graft writes ONNX"
          + " models of up to 2 GB (one protobuf message)");
    }
    return proto.toByteArray();
  }

  /**
   * The model as ONNX protobuf, after checking it against every rule of its declared opset. A
   * graph read from a file was checked when read, so a broken rule here is Graft's own rewrite
   * at fault: an internal error (exit 1), not bad input.
   */
  public static OnnxMl.ModelProto toProto(Graph g) {
    GraphValidator.validateBuilt(g, "the graph Graft built");
    OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().setName(g.name());
    for (ValueInfo v : g.inputs()) {
      gb.addInput(Types.proto(v));
    }
    for (ValueInfo v : g.outputs()) {
      gb.addOutput(Types.proto(v));
    }
    for (ValueInfo v : g.valueInfo().values()) {
      if (!g.inputNames().contains(v.name()) && !g.outputNames().contains(v.name())) {
        gb.addValueInfo(Types.proto(v));
      }
    }
    for (TensorData t : g.initializers().values()) {
      gb.addInitializer(tensor(t));
    }
    for (Node n : g.nodes()) {
      gb.addNode(node(n));
    }
    OnnxMl.ModelProto.Builder mb =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(irVersion(g.opset()))
            .setProducerName(g.producerName().isEmpty() ? "graft" : g.producerName())
            .setProducerVersion(GRAFT_VERSION)
            .setGraph(gb)
            .addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(g.opset()));
    for (Map.Entry<String, String> e : g.metadata().entrySet()) {
      mb.addMetadataProps(
          OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return mb.build();
  }

  private static long irVersion(int opset) {
    if (opset >= 21) {
      return 10;
    }
    if (opset >= 19) {
      return 9;
    }
    return opset >= 15 ? 8 : 7;
  }

  static OnnxMl.TensorProto tensor(TensorData t) {
    OnnxMl.TensorProto.Builder b =
        OnnxMl.TensorProto.newBuilder().setName(t.name()).setDataType(t.type().onnxCode());
    for (long d : t.dims()) {
      b.addDims(d);
    }
    b.setRawData(ByteString.copyFrom(t.buffer()));
    return b.build();
  }

  private static OnnxMl.NodeProto node(Node n) {
    OnnxMl.NodeProto.Builder b =
        OnnxMl.NodeProto.newBuilder()
            .setName(n.name())
            .setOpType(n.op().onnxName())
            .addAllInput(n.inputs())
            .addAllOutput(n.outputs());
    for (Attribute a : n.attributes().values()) {
      b.addAttribute(attribute(a));
    }
    for (Map.Entry<String, String> e : n.metadata().entrySet()) {
      b.addMetadataProps(
          OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return b.build();
  }

  private static OnnxMl.AttributeProto attribute(Attribute a) {
    OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(a.name());
    switch (a.kind()) {
      case FLOAT:
        return b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(a.asFloat()).build();
      case INT:
        return b.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(a.asLong()).build();
      case STRING:
        return b.setType(OnnxMl.AttributeProto.AttributeType.STRING)
            .setS(ByteString.copyFromUtf8(a.asString()))
            .build();
      case TENSOR:
        return b.setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
            .setT(tensor(a.asTensor()))
            .build();
      case FLOATS:
        b.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
        for (float f : a.asFloats()) {
          b.addFloats(f);
        }
        return b.build();
      case INTS:
        b.setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long l : a.asLongs()) {
          b.addInts(l);
        }
        return b.build();
      case STRINGS:
        b.setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
        for (String s : a.asStrings()) {
          b.addStrings(ByteString.copyFromUtf8(s));
        }
        return b.build();
      default:
        throw new IllegalStateException("attribute kind " + a.kind());
    }
  }
}
