package dev.graft.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.io.DType;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.TensorFiles;
import dev.graft.testing.OnnxNodeTests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Shape inference against ONNX's own backend node tests: for every test whose operators Graft's IR
 * holds, the inferred type and shape of each graph output must equal those of the test's expected
 * output. The inputs are declared with the shapes of the test's data; integer and scalar inputs
 * (shapes, axes, indices, pads, Range bounds) and the parameters after a node's first input
 * (Resize scales, Clip bounds) become constants, as they are in exported models.
 */
class OnnxNodeShapesTest {

  /** What became of one node test. */
  record Outcome(String test, String problem) {}

  @Test
  void inferredOutputShapesAndTypesEqualTheNodeTestsExpectedOutputs() {
    List<String> matched = new ArrayList<>();
    List<Outcome> wrong = new ArrayList<>();
    List<Outcome> refused = new ArrayList<>();
    Set<String> ops = new TreeSet<>();
    for (Path dir : OnnxNodeTests.folders()) {
      String test = dir.getFileName().toString();
      Graph g;
      try {
        g = OnnxReader.read(dir.resolve("model.onnx"));
      } catch (GraftException e) {
        continue; // an operator or element type outside Graft's IR
      }
      Path data = dir.resolve("test_data_set_0");
      List<TensorData> expected = new ArrayList<>();
      Graph bound;
      try {
        bound = bind(g, data);
        for (int i = 0; i < g.outputs().size(); i++) {
          expected.add(TensorFiles.read(data.resolve("output_" + i + ".pb")));
        }
      } catch (GraftException e) {
        continue; // data the IR cannot hold (sequences, strings)
      }
      Graph shaped;
      try {
        shaped = ShapeInference.infer(bound);
      } catch (GraftException e) {
        refused.add(new Outcome(test, e.getMessage()));
        continue;
      }
      String problem = compare(shaped, expected);
      if (problem == null) {
        matched.add(test);
        g.nodes().forEach(n -> ops.add(n.op().onnxName()));
      } else {
        wrong.add(new Outcome(test, problem));
      }
    }
    System.out.printf("shape inference on ONNX node tests: %d match (%d operators), %d refused,"
        + " %d wrong%n", matched.size(), ops.size(), refused.size(), wrong.size());
    refused.forEach(o -> System.out.println("  refused " + o.test() + ": " + o.problem()));
    wrong.forEach(o -> System.out.println("  WRONG " + o.test() + ": " + o.problem()));
    assertTrue(refused.isEmpty(), refused.size() + " node tests get no shape: " + refused);
    assertTrue(wrong.isEmpty(), wrong.size() + " node tests get a wrong type or shape: " + wrong);
    // 441 tests of 69 operators (every operator of the IR that has node tests; Gelu has none)
    assertTrue(matched.size() >= 441 && ops.size() >= 69,
        "only " + matched.size() + " node tests of " + ops.size() + " operators matched");
  }

  /** The model with its inputs shaped by the test data, and its parameters bound as constants. */
  static Graph bind(Graph g, Path data) {
    Graph.Builder b = g.toBuilder();
    List<ValueInfo> kept = new ArrayList<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      ValueInfo v = g.inputs().get(i);
      TensorData t = TensorFiles.read(data.resolve("input_" + i + ".pb")).withName(v.name());
      boolean integral = t.type() == DType.INT64 || t.type() == DType.INT32;
      boolean parameter = t.rank() <= 1 && !g.consumers(v.name()).isEmpty()
          && g.consumers(v.name()).stream().noneMatch(n -> n.input(0).equals(v.name()));
      if (integral || parameter || t.rank() == 0) {
        b.initializer(t);
      } else {
        kept.add(new ValueInfo(v.name(), t.type(), t.shape()));
      }
    }
    return b.inputs(kept).clearValueInfo().build();
  }

  private static String compare(Graph shaped, List<TensorData> expected) {
    for (int i = 0; i < expected.size(); i++) {
      String name = shaped.outputs().get(i).name();
      ValueInfo got = shaped.valueInfo().get(name); // inferred, never the declared output
      TensorData want = expected.get(i);
      if (got == null) {
        return "output " + i + " (" + name + ") was not inferred";
      }
      // ONNX's test data store bfloat16 tensors as their uint16 bits
      boolean bits = got.type() == DType.BFLOAT16 && want.type() == DType.UINT16;
      if ((got.type() != want.type() && !bits) || got.shape() == null
          || !got.shape().equals(want.shape())) {
        return String.format("output %d is %s %s, expected %s %s", i, got.type(), got.shape(),
            want.type(), want.shape());
      }
    }
    return null;
  }
}
