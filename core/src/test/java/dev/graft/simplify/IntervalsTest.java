package dev.graft.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Interval bounds of the hard activations mobile nets use, tight on a box. */
class IntervalsTest {
  private static Map<String, Intervals.Box> boxes(double lo, double hi) {
    Graph g = Graph.builder().name("hard").opset(14)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(1, 3)))
        .node(Node.of("swish", Op.HARD_SWISH, List.of("x"), List.of("s")))
        .node(new Node("gate", Op.HARD_SIGMOID, List.of("x"), List.of("g"),
            List.of(Attribute.of("alpha", 1f / 6), Attribute.of("beta", 0.5f))))
        .output(new ValueInfo("s", DType.FLOAT, Shape.of(1, 3)))
        .output(new ValueInfo("g", DType.FLOAT, Shape.of(1, 3))).build();
    return Intervals.propagate(g, lo, hi);
  }

  @Test
  void hardSwishBoxAcrossItsDipReachesTheMinimumAtMinusOneAndAHalf() {
    Intervals.Box s = boxes(-4, 1).get("s");
    assertEquals(-0.375, s.lo()[0], 1e-9);
    assertEquals(1 * (1 / 6.0 + 0.5), s.hi()[0], 1e-9);
  }

  @Test
  void hardSwishBoxRightOfItsDipIsTheImageOfItsEnds() {
    Intervals.Box s = boxes(0, 6).get("s");
    assertEquals(0, s.lo()[2], 1e-9);
    assertEquals(6, s.hi()[2], 1e-9);
  }

  @Test
  void hardSigmoidBoxIsClampedToZeroAndOne() {
    Intervals.Box gate = boxes(-6, 1.5).get("g");
    assertEquals(0, gate.lo()[1], 1e-9);
    assertEquals(0.75, gate.hi()[1], 1e-7); // alpha is a float attribute
  }
}
