package dev.graft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegionResolverTest {
  private static RegionResolver resolver(String model) {
    Graph g = OnnxReader.read(Fixtures.model(model));
    return new RegionResolver(ModuleTree.of(g), Set.of());
  }

  @Test
  void resolvesWholeResidualBlocks() {
    Region r = resolver("residual_cnn.onnx").resolve("stage1.0", "stage1.1");
    assertEquals("/stem/stem.2/Relu_output_0", r.entry());
    assertEquals("/stage1/stage1.1/Relu_1_output_0", r.exit());
    assertEquals(r.lastNode() - r.firstNode() + 1, r.nodeNames().size());
  }

  @Test
  void resolvesTheResidualBranchAlone() {
    Region r = resolver("residual_cnn.onnx").resolve("stage1.0.c1", "stage1.0.c2");
    assertEquals("/stem/stem.2/Relu_output_0", r.entry());
  }

  @Test
  void refusesARegionWhoseResidualEscapesAndNamesTheTensor() {
    GraftException e = assertThrows(GraftException.class,
        () -> resolver("residual_cnn.onnx").resolve("stage1.0", "stage1.1.c1"));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().contains("'/stage1/stage1.0/Relu_1_output_0' escapes"),
        e.getMessage());
    assertTrue(e.getMessage().contains("nearest valid range: --from stage1.0 --to"),
        e.getMessage());
  }

  @Test
  void resolvesRunsOfTransformerBlocks() {
    Region r = resolver("transformer_encoder.onnx").resolve("blocks.2", "blocks.4");
    // the exporter leaves some unscoped Constant nodes between the blocks' nodes
    assertTrue(r.nodeNames().stream()
            .allMatch(n -> n.matches("/blocks\\.[234]/.*") || n.startsWith("Constant_")),
        r.nodeNames().toString());
    assertTrue(r.nodeNames().get(0).startsWith("/blocks.2/"), r.nodeNames().get(0));
    assertTrue(r.exit().startsWith("/blocks.4/"), r.exit());
  }

  @Test
  void unknownLayerSuggestsTheNearestNames() {
    GraftException e = assertThrows(GraftException.class,
        () -> resolver("residual_cnn.onnx").resolve("stage1.7", "stage2.0"));
    assertEquals(2, e.exitStatus());
    assertTrue(e.getMessage().startsWith("unknown layer 'stage1.7'"), e.getMessage());
    assertTrue(e.getMessage().contains("stage1.0"), e.getMessage());
  }

  @Test
  void refusesARegionThatEndsBeforeItStarts() {
    GraftException e = assertThrows(GraftException.class,
        () -> resolver("residual_cnn.onnx").resolve("stage2.0", "stage1.0"));
    assertTrue(e.getMessage().contains("comes after"), e.getMessage());
  }

  @Test
  void aDeclaredSideInputMayEnterTheRegion() {
    // y = Relu(MatMul(x, W) + mask): a region over both nodes reads x and the mask
    Graph g = Graph.builder()
        .input(new ValueInfo("x", DType.FLOAT,
            Shape.of(2, 4)))
        .input(new ValueInfo("mask", DType.FLOAT,
            Shape.of(2, 4)))
        .initializer(TensorData.ofFloats("W", new long[] {4, 4}, new float[16]))
        .node(Node.of("/block/mm/MatMul", Op.MAT_MUL,
            List.of("x", "W"), List.of("h")))
        .node(Node.of("/block/Add", Op.ADD,
            List.of("h", "mask"), List.of("a")))
        .node(Node.of("/head/Relu", Op.RELU,
            List.of("a"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, null))
        .build();
    ModuleTree tree = ModuleTree.of(g);
    GraftException e = assertThrows(GraftException.class,
        () -> new RegionResolver(tree, Set.of()).resolve("block", "block"));
    assertTrue(e.getMessage().contains("reads 2 tensors from outside [x, mask]"), e.getMessage());
    Region r = new RegionResolver(tree, Set.of("mask")).resolve("block", "block");
    assertEquals("x", r.entry());
    assertEquals(List.of("mask"), r.sideInputs());
    assertEquals("a", r.exit());
  }

  @Test
  void aTensorComputedFromASideInputAloneIsReadAsASideInput() {
    // the additive mask an exporter computes once from attention_mask, outside the block
    Graph g = Graph.builder()
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 4)))
        .input(new ValueInfo("mask", DType.FLOAT, Shape.of(2, 4)))
        .initializer(TensorData.ofFloats("W", new long[] {4, 4}, new float[16]))
        .initializer(TensorData.scalar("big", -1e4f))
        .node(Node.of("/prep/Mul", Op.MUL, List.of("mask", "big"), List.of("bias")))
        .node(Node.of("/block/mm/MatMul", Op.MAT_MUL, List.of("x", "W"), List.of("h")))
        .node(Node.of("/block/Add", Op.ADD, List.of("h", "bias"), List.of("a")))
        .node(Node.of("/head/Relu", Op.RELU, List.of("a"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, null))
        .build();
    Region r = new RegionResolver(ModuleTree.of(g), Set.of("mask")).resolve("block", "block");
    assertEquals("x", r.entry());
    assertEquals(List.of("bias"), r.sideInputs());
  }
}
