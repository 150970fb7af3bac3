package dev.graft.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/** Asserts that two graphs are the same graph: nodes in order, initializers, inputs, outputs. */
public final class GraphAssert {
  private GraphAssert() {}

  public static void assertIdentical(Graph expected, Graph actual, String what) {
    assertEquals(expected.nodes().size(), actual.nodes().size(), what + ": node count");
    for (int i = 0; i < expected.nodes().size(); i++) {
      assertEquals(expected.nodes().get(i), actual.nodes().get(i), what + ": node " + i);
    }
    assertEquals(new ArrayList<>(expected.initializers().keySet()),
        new ArrayList<>(actual.initializers().keySet()), what + ": initializer names");
    assertEquals(List.copyOf(expected.initializers().values()),
        List.copyOf(actual.initializers().values()), what + ": initializer values");
    assertEquals(expected.inputs(), actual.inputs(), what + ": inputs");
    assertEquals(expected.outputs(), actual.outputs(), what + ": outputs");
    assertEquals(expected.valueInfo().keySet(), actual.valueInfo().keySet(), what + ": value info");
  }
}
