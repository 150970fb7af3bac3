package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;

/** The layer where a conversion drifts is found by comparing every kept value with ORT. */
class DriftLocatorTest {
  static final String CONV = "/layer2/layer2.1/conv2/Conv";
  static LiteRt liteRt;

  @BeforeAll
  static void runner() {
    liteRt = LiteRtForTests.require();
  }

  @Test
  void aPerturbedConvIsTheFirstLayerPastTheBound() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("fm_resnet20.torchscript.onnx"));
    ConvertOptions o = ConvertOptions.defaults();
    ConvertResult r = TfliteConverter.convert(g, o);
    Map<String, NdArray> x = TfliteExport.randomSamples(g, 2, 5);
    Verification.Bound bound = Verification.Bound.forPrecision(Precision.FP32);
    assertEquals(List.of(), DriftLocator.locate(g, r, x, liteRt, bound, 3));

    ConvertResult bad = perturbFilter(g, r, CONV, 1.5f);
    assertTrue(Verification.run(g, bad, o, x, liteRt).failure(bound).isPresent());
    List<DriftLocator.Drift> d = DriftLocator.locate(g, bad, x, liteRt, bound, 3);
    System.out.println("drift: " + d);
    assertEquals(3, d.size());
    assertTrue(d.get(0).layers().contains("layer2.1.conv2"), d.get(0).toString());
    assertTrue(d.get(0).relativeError() > 1e-2, d.get(0).toString());
    for (DriftLocator.Drift later : d.subList(1, 3)) {
      assertTrue(!later.layers().contains("layer2.1.conv2"), later.toString());
    }
  }

  /**
   * The converted model with the filter of the TFLite operator that computes {@code node}
   * (the first kept value after it) multiplied by {@code factor}: a deliberately wrong lowering.
   */
  static ConvertResult perturbFilter(Graph g, ConvertResult r, String node, float factor) {
    Node n = g.node(node).orElseThrow();
    Deque<String> pending = new ArrayDeque<>(n.outputs());
    ConvertResult.Mapped m = null;
    while (m == null) {
      String v = pending.removeFirst();
      m = r.tensors().get(v);
      g.consumers(v).forEach(c -> pending.addAll(c.outputs()));
    }
    ModelT model = Model.getRootAsModel(ByteBuffer.wrap(r.bytes())).unpack();
    SubGraphT sg = model.getSubgraphs()[0];
    for (OperatorT op : sg.getOperators()) {
      if (op.getOutputs()[0] == m.tensor()) {
        BufferT b = model.getBuffers()[(int) sg.getTensors()[op.getInputs()[1]].getBuffer()];
        int[] data = b.getData();
        byte[] raw = new byte[data.length];
        for (int i = 0; i < raw.length; i++) {
          raw[i] = (byte) data[i];
        }
        ByteBuffer f = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < raw.length; i += 4) {
          f.putFloat(i, f.getFloat(i) * factor);
        }
        for (int i = 0; i < raw.length; i++) {
          data[i] = raw[i] & 0xff;
        }
        b.setData(data);
      }
    }
    FlatBufferBuilder fb = new FlatBufferBuilder(r.bytes().length + (1 << 16));
    Model.finishModelBuffer(fb, Model.pack(fb, model));
    return new ConvertResult(fb.sizedByteArray(), r.opCounts(), r.warnings(), r.floatLayers(),
        r.tensors(), r.io());
  }
}
