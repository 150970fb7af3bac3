package dev.graft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
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
}
