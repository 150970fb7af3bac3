package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a graph to a TFLite flatbuffer written by Graft itself. Conv networks become NHWC end
 * to end (weights permuted, axes rewritten) with no TRANSPOSE inside, and by default their image
 * inputs and outputs are NHWC too ({@link IoLayout}); the symbolic batch axis is fixed and the
 * shape arithmetic exporters leave behind is folded to constants.
 *
 * <pre>{@code
 * Graph g = OnnxReader.read(Path.of("model.onnx"));
 * ConvertResult r = TfliteConverter.convert(g, ConvertOptions.defaults());
 * r.write(Path.of("model.tflite"));
 * }</pre>
 *
 * <p>Errors: an operator TFLite cannot express (all are listed, by node), a shape that cannot be
 * made static, or {@link Precision#INT8} without calibration samples raise {@link
 * GraftException#badInput}.
 */
public final class TfliteConverter {
  private TfliteConverter() {}

  public static ConvertResult convert(Graph graph, ConvertOptions options) {
    if (options.precision() == Precision.INT8 && options.calibration().isEmpty()) {
      // checked first: no work is done for a request that cannot succeed
      throw GraftException.badInput(
          "precision int8 needs calibration data (--calibration DATA): activation ranges are"
              + " measured on it");
    }
    if (options.int8Io() && options.precision() != Precision.INT8) {
      throw GraftException.badInput(
          "int8 inputs and outputs (--int8-io) need precision int8, not %s",
          options.precision().label());
    }
    Graph prepared = DepthSpaceOps.crdToDcr(Fuse.run(ActivationPatterns.run(
        GeluPattern.run(Prepare.run(graph, options.batch())))));
    List<String> bad = new ArrayList<>();
    for (Node n : prepared.nodes()) {
      if (!Ops.SUPPORTED.contains(n.op())) {
        bad.add(n.name() + " (" + n.op().onnxName() + ")");
      }
    }
    if (!bad.isEmpty()) {
      throw GraftException.badInput("%d node%s cannot be written to TFLite: %s", bad.size(),
          bad.size() == 1 ? "" : "s", String.join(", ", bad));
    }
    Set<String> nhwcInputs = BoundaryLayout.nhwcInputs(prepared, options);
    Lowering lowering = new Lowering(prepared, options, nhwcInputs);
    FlatModel fm = lowering.run();
    List<ConvertResult.FloatLayer> floatLayers = new ArrayList<>(lowering.weights.keptFloat());
    if (options.precision() == Precision.INT8) {
      FlatModel probe = new Lowering(prepared, options.withPrecision(Precision.FP32), nhwcInputs)
          .run();
      if (probe.tensorCount() != fm.tensorCount()) {
        throw new IllegalStateException("float and int8 lowerings differ in tensors");
      }
      List<NdArray> samples = Calibrator.ordered(options.calibration(), lowering.io());
      FullInteger full = new FullInteger(fm, Calibrator.ranges(probe, samples, LiteRt.locate()),
          options.int8Io());
      full.apply();
      floatLayers.addAll(byNode(prepared, full.floatForSpeed()));
    }
    fm.metadata("graft_version", OnnxWriter.GRAFT_VERSION);
    fm.metadata("graft_precision", options.precision().label());
    fm.metadata("graft_io_layout", BoundaryLayout.metadata(lowering.io()));
    if (options.recipe() != null) {
      fm.metadata("graft_recipe", options.recipe());
    }
    byte[] bytes = fm.toBytes("Graft " + OnnxWriter.GRAFT_VERSION);
    TfliteModel read = TfliteModel.read(bytes);
    List<String> warnings = new ArrayList<>();
    transposeNote(fm, graph).ifPresent(warnings::add);
    return new ConvertResult(bytes, read.opCounts(), warnings, floatLayers, lowering.mapped(),
        lowering.io());
  }

  /** Float layers by value, named by the nodes that compute them. */
  private static List<ConvertResult.FloatLayer> byNode(Graph g,
      Map<String, ConvertResult.FloatLayer> byValue) {
    List<ConvertResult.FloatLayer> out = new ArrayList<>();
    for (Node n : g.nodes()) {
      for (String v : n.outputs()) {
        ConvertResult.FloatLayer f = byValue.get(v);
        if (f != null) {
          out.add(new ConvertResult.FloatLayer(n.name(), f.op(), f.reason()));
        }
      }
    }
    return out;
  }

  /**
   * What the file's TRANSPOSE ops are for: the layout of rank-4 inputs and outputs kept in ONNX's
   * order ({@code --io-layout nchw}) and the ONNX model's own Transposes; flagged when there are
   * more inside than the model has.
   */
  static java.util.Optional<String> transposeNote(FlatModel fm, Graph graph) {
    int boundary = 0;
    int inside = 0;
    for (int i = 0; i < fm.operatorCount(); i++) {
      if (fm.builtin(i) == org.tensorflow.lite.schema.BuiltinOperator.TRANSPOSE) {
        var op = fm.operators().get(i);
        boolean atEdge = fm.inputs().contains(op.getInputs()[0])
            || fm.outputs().contains(op.getOutputs()[0]);
        boundary += atEdge ? 1 : 0;
        inside += atEdge ? 0 : 1;
      }
    }
    long onnx = graph.nodes().stream().filter(n -> n.op() == dev.graft.graph.Op.TRANSPOSE).count();
    if (boundary + inside == 0) {
      return java.util.Optional.empty();
    }
    String text = String.format("%d TRANSPOSE op(s): %d at inputs and outputs kept in ONNX's"
        + " order, %d inside (the ONNX model has %d Transpose node(s))",
        boundary + inside, boundary, inside, onnx);
    return java.util.Optional.of(inside > onnx
        ? text + "; more inside than the ONNX model: an operator needed another layout" : text);
  }
}
