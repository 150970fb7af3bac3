package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.io.DType;
import dev.graft.graph.Graph;
import dev.graft.graph.GraphValidator;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.region.Region;
import dev.graft.simplify.TestGraphs;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A graph Graft builds that breaks a rule of ONNX is Graft's bug: an internal error, exit 1. The
 * same broken rule in a model the user gives is bad input, exit 2.
 */
class SpliceValidityTest {
  private final Random r = new Random(5);
  // an opset-11 teacher 4 → 6 → 6 → 2
  private final Graph teacher = TestGraphs.mlp(new int[] {4, 6, 6, 2},
      TestGraphs.list(TestGraphs.randn(r, 24, 0.5), TestGraphs.randn(r, 36, 0.5),
          TestGraphs.randn(r, 12, 0.5)),
      TestGraphs.list(new float[6], new float[6], new float[2])).toBuilder().opset(11).build();
  private final Region region = new Region("fc1", "act1", 2, 3,
      List.of("/fc1/Gemm", "/act1/Relu"), "/act0/Relu_output_0", "/act1/Relu_output_0",
      List.of());

  /** A student in opset-13 form (Squeeze's axes as an input), which opset 11 forbids. */
  private Student opset13Student() {
    String in = region.entry();
    Graph g = Graph.builder().opset(13)
        .input(new ValueInfo(in, DType.FLOAT, null))
        .initializer(TensorData.ofFloats("s.w", new long[] {6, 6}, TestGraphs.randn(r, 36, 0.5)))
        .initializer(TensorData.ofLongs("s.axes", new long[] {1}, new long[] {0}))
        .node(Node.of("s.gemm", Op.GEMM, List.of(in, "s.w"), List.of("s.h"),
            Attribute.of("transB", 1L)))
        .node(Node.of("s.unsqueeze", Op.UNSQUEEZE, List.of("s.h", "s.axes"), List.of("s.u")))
        .node(Node.of("s.squeeze", Op.SQUEEZE, List.of("s.u", "s.axes"), List.of(region.exit())))
        .output(new ValueInfo(region.exit(), DType.FLOAT, null)).build();
    return new Student(StudentSpec.Kind.LINEAR, g, List.of("s.w"), "s.");
  }

  @Test
  void aSpliceThatBreaksTheOpsetIsAnInternalError() {
    GraftException e = assertThrows(GraftException.class,
        () -> Splice.splice(teacher, region, opset13Student(), Map.of()));
    assertEquals(1, e.exitStatus(), e.getMessage());
    assertTrue(e.getMessage().startsWith("internal error: the model with the linear student"
        + " spliced in at fc1..act1 is not a valid ONNX graph: "), e.getMessage());
    assertTrue(e.getMessage().contains("(Unsqueeze) has 2 inputs"), e.getMessage());
  }

  @Test
  void theSameRuleBrokenInTheUsersModelIsBadInput() {
    Graph users = opset13Student().graph().toBuilder().opset(11).build();
    GraftException e = assertThrows(GraftException.class, () -> GraphValidator.validate(users));
    assertEquals(2, e.exitStatus(), e.getMessage());
  }
}
