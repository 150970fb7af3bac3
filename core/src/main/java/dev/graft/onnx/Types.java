package dev.graft.onnx;

import ai.onnx.proto.OnnxMl;
import dev.graft.GraftException;
import dev.graft.graph.Dim;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/** Conversions between ONNX type protos and {@link ValueInfo}. */
final class Types {
  private Types() {}

  static ValueInfo valueInfo(OnnxMl.ValueInfoProto v, String where) {
    if (!v.getType().hasTensorType()) {
      throw GraftException.badInput(
          "%s: value %s is not a tensor (sequences and maps are not supported)", where,
          v.getName());
    }
    OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
    Shape shape = null;
    if (t.hasShape()) {
      List<Dim> dims = new ArrayList<>();
      for (OnnxMl.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
        if (d.hasDimValue()) {
          if (d.getDimValue() < 0) {
            throw GraftException.badInput("%s: value %s has a negative dimension %d", where,
                v.getName(), d.getDimValue());
          }
          dims.add(Dim.of(d.getDimValue()));
        } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
          dims.add(Dim.symbol(d.getDimParam()));
        } else {
          dims.add(Dim.unknown());
        }
      }
      shape = Shape.of(dims);
    }
    return new ValueInfo(v.getName(), OnnxReader.dtype(t.getElemType(), where, v.getName()), shape);
  }

  static OnnxMl.ValueInfoProto proto(ValueInfo v) {
    OnnxMl.TypeProto.Tensor.Builder t =
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode());
    if (v.shape() != null) {
      OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
      for (Dim d : v.shape().dims()) {
        OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
        if (d.isKnown()) {
          db.setDimValue(d.value());
        } else if (!d.symbol().startsWith("?")) {
          db.setDimParam(d.toString());
        }
        s.addDim(db);
      }
      t.setShape(s);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(v.name())
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(t))
        .build();
  }
}
