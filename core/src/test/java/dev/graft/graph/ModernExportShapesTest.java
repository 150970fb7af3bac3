package dev.graft.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes of the operators and shape arithmetic that current architectures' exports contain. */
class ModernExportShapesTest {
  private static Graph ops(String name) {
    return OnnxReader.read(Fixtures.root().resolve("ops").resolve(name));
  }

  private static Node first(Graph g, Op op) {
    return g.nodes().stream().filter(n -> n.op() == op).findFirst().orElseThrow();
  }

  @Test
  void classTokenExpandedToTheSymbolicBatchInfersBeforeBinding() {
    Graph g = ShapeInference.infer(ops("vit_cls.onnx"));
    Shape expanded = g.info(first(g, Op.EXPAND).output(0)).orElseThrow().shape();
    assertEquals(List.of(Dim.symbol("batch"), Dim.of(1), Dim.of(16)), expanded.dims());
    assertEquals(List.of(Dim.symbol("batch"), Dim.of(10)), g.outputs().get(0).shape().dims());
  }

  @Test
  void classTokenExpandResolvesOnceTheBatchIsBound() {
    Graph g = ShapeInference.bind(ops("vit_cls.onnx"), "batch", 3);
    Shape expanded = g.info(first(g, Op.EXPAND).output(0)).orElseThrow().shape();
    assertEquals(Shape.of(3, 1, 16), expanded);
  }

  @Test
  void causalMaskTriluKeepsItsInputShape() {
    Graph g = ShapeInference.infer(ops("llama_block.onnx"));
    assertEquals(Shape.of(8, 8), g.info(first(g, Op.TRILU).output(0)).orElseThrow().shape());
    assertEquals(List.of(Dim.symbol("batch"), Dim.of(8), Dim.of(16)),
        g.outputs().get(0).shape().dims());
  }

  @Test
  void equalOfAnAxisAndANegativeConstantIsFalseButOfTwoUnknownsIsUnknown() {
    assertEquals(Dim.of(0), ShapeValues.equal(Dim.symbol("batch"), Dim.of(-1)));
    assertEquals(Dim.of(1), ShapeValues.equal(Dim.symbol("batch"), Dim.symbol("batch")));
    assertEquals(Dim.of(1), ShapeValues.equal(Dim.of(-1), Dim.of(-1)));
    assertEquals(false, ShapeValues.equal(Dim.unknown(), Dim.of(-1)).isKnown());
    assertEquals(false, ShapeValues.equal(Dim.symbol("batch"), Dim.of(4)).isKnown());
    assertNull(ShapeValues.where(List.of(Dim.unknown()), List.of(Dim.of(1)), List.of(Dim.of(2))));
    assertEquals(List.of(Dim.of(1), Dim.of(7)), ShapeValues.where(
        List.of(Dim.of(1), Dim.of(0)), List.of(Dim.of(1)), List.of(Dim.of(5), Dim.of(7))));
  }
}
