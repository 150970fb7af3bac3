package dev.graft.thin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.simplify.TestGraphs;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelGroupTest {
  /**
   * x[8] → a = x·Wa + ba (6), b = x·Wb (6), c = x·Wc (4); s = a + b; y = relu(concat(s, c))·Wy.
   * Wy reads only channels 1, 3, 5 of s and 1, 3 of c: five of the ten channels carry everything.
   */
  private static Graph coupled(Random r) {
    Graph.Builder b = Graph.builder().opset(17);
    b.input(new ValueInfo("x", DType.FLOAT, Shape.of(List.of(Dim.symbol("batch"), Dim.of(8)))));
    b.initializer(TensorData.ofFloats("Wa", new long[] {8, 6}, TestGraphs.randn(r, 48, 0.5)));
    b.initializer(TensorData.ofFloats("ba", new long[] {6}, TestGraphs.randn(r, 6, 0.5)));
    b.initializer(TensorData.ofFloats("Wb", new long[] {8, 6}, TestGraphs.randn(r, 48, 0.5)));
    b.initializer(TensorData.ofFloats("Wc", new long[] {8, 4}, TestGraphs.randn(r, 32, 0.5)));
    float[] wy = TestGraphs.randn(r, 30, 0.5);
    for (int ch : new int[] {0, 2, 4, 6, 8}) {
      for (int o = 0; o < 3; o++) {
        wy[ch * 3 + o] = 0;
      }
    }
    b.initializer(TensorData.ofFloats("Wy", new long[] {10, 3}, wy));
    b.node(Node.of("/a/MatMul", Op.MAT_MUL, List.of("x", "Wa"), List.of("a0")));
    b.node(Node.of("/a/Add", Op.ADD, List.of("a0", "ba"), List.of("a")));
    b.node(Node.of("/b/MatMul", Op.MAT_MUL, List.of("x", "Wb"), List.of("b")));
    b.node(Node.of("/c/MatMul", Op.MAT_MUL, List.of("x", "Wc"), List.of("c")));
    b.node(Node.of("/Add", Op.ADD, List.of("a", "b"), List.of("s")));
    b.node(Node.of("/Concat", Op.CONCAT, List.of("s", "c"), List.of("cat"),
        dev.graft.graph.Attribute.of("axis", 1L)));
    b.node(Node.of("/Relu", Op.RELU, List.of("cat"), List.of("h")));
    b.node(Node.of("/y/MatMul", Op.MAT_MUL, List.of("h", "Wy"), List.of("y")));
    b.output(new ValueInfo("y", DType.FLOAT, null));
    return b.build();
  }

  @Test
  void addAndConcatTieProducersIntoOneGroupThatSompThinsExactly() {
    Random r = new Random(5);
    Graph g = coupled(r);
    NdArray x = NdArray.of(TestGraphs.randn(r, 400 * 8, 1), 400, 8);
    ThinResult res = Thinner.thin(g, ThinOptions.of("a", 0.5).multiple(1)
        .calibration(Map.of("x", x)));
    assertEquals(1, res.groups().size());
    ThinResult.Group grp = res.groups().get(0);
    assertEquals(List.of("a", "b", "c"), grp.producers());
    assertEquals(List.of("y"), grp.consumers());
    assertEquals(10, grp.channelsBefore(), "a and b tied by the Add: 6 channels, then 4 of c");
    assertEquals(5, grp.channelsAfter());
    assertArrayEquals(new int[] {1, 3, 5, 7, 9}, grp.kept());
    assertTrue(grp.reconstructionRelErr().get("y") < 1e-9, grp.reconstructionRelErr().toString());
    Graph t = res.graph();
    assertArrayEquals(new long[] {8, 3}, weightOf(t, "/a/MatMul"));
    assertArrayEquals(new long[] {8, 3}, weightOf(t, "/b/MatMul"));
    assertArrayEquals(new long[] {8, 2}, weightOf(t, "/c/MatMul"));
    assertArrayEquals(new long[] {5, 3}, weightOf(t, "/y/MatMul"));
    Node bias = t.node("/a/Add").orElseThrow();
    assertArrayEquals(new long[] {3}, t.constant(bias.input(1)).orElseThrow().dims());
    NdArray fresh = NdArray.of(TestGraphs.randn(new Random(6), 200 * 8, 1), 200, 8);
    double err = TestGraphs.maxAbsDiff(g, t, "x", fresh);
    assertTrue(err < 1e-4, "max abs error " + err);
  }

  private static long[] weightOf(Graph g, String node) {
    return g.constant(g.node(node).orElseThrow().input(1)).orElseThrow().dims();
  }
}
