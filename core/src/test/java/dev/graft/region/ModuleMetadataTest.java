package dev.graft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.lowrank.LowRank;
import dev.graft.lowrank.LowRankOptions;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Module paths from the dynamo exporter's node metadata, on both exports of one network. */
class ModuleMetadataTest {
  private static final Graph DYNAMO = OnnxReader.read(
      Fixtures.thirdParty("fm_resnet20.dynamo.onnx"));
  private static final Graph TORCHSCRIPT = OnnxReader.read(
      Fixtures.thirdParty("fm_resnet20.torchscript.onnx"));

  private static Set<String> blocks(Graph g) {
    Set<String> out = new TreeSet<>();
    for (Module m : ModuleTree.of(g).modules()) {
      if (m.path().matches("layer\\d(\\.\\d)?")) {
        out.add(m.path() + " " + m.opCounts() + " " + m.params());
      }
    }
    return out;
  }

  @Test
  void bothExportsOfOneNetworkListTheSameModules() {
    Set<String> dynamo = blocks(DYNAMO);
    assertEquals(12, dynamo.size()); // layer1..3 and their 3 blocks each
    assertEquals(blocks(TORCHSCRIPT), dynamo);
    assertTrue(ModuleTree.of(DYNAMO).module("layer2.2").isPresent());
  }

  @Test
  void aRegionByModulePathResolvesTheSameOnBothExports() {
    Region d = new RegionResolver(ModuleTree.of(DYNAMO), Set.of()).resolve("layer2.0", "layer2.2");
    Region t = new RegionResolver(ModuleTree.of(TORCHSCRIPT), Set.of())
        .resolve("layer2.0", "layer2.2");
    assertEquals(t.nodeNames().size(), d.nodeNames().size());
    assertEquals(16, d.nodeNames().size()); // 7 Conv, 6 Relu, 3 Add
    Costs cd = Costs.of(DYNAMO);
    Costs ct = Costs.of(TORCHSCRIPT);
    long pd = d.nodeNames().stream().mapToLong(n -> cd.newParams(DYNAMO.node(n).orElseThrow()))
        .sum();
    long pt = t.nodeNames().stream()
        .mapToLong(n -> ct.newParams(TORCHSCRIPT.node(n).orElseThrow())).sum();
    assertEquals(51_424, pd);
    assertEquals(pt, pd);
  }

  @Test
  void aFusedNodeKeepsTheModuleItsMetadataNames() {
    Node conv = DYNAMO.nodes().stream().filter(n -> n.op() == Op.CONV).skip(1).findFirst()
        .orElseThrow();
    assertEquals("node_Conv_303", conv.name());
    assertEquals("layer1.0.bn1", ModulePaths.of(conv));
    assertEquals(List.of("layer1", "layer1.0", "layer1.0.bn1"), ModulePaths.ancestors(conv));
  }

  @Test
  void namespaceServesWhereNameScopesAreMissing() {
    Node n = new Node("node_relu_1", Op.RELU, List.of("x"), List.of("y"), List.of(),
        Map.of("namespace", ": m.ResNet20/layer1: torch.nn.Sequential/layer1.0: m.Basic/relu_1:"
            + " aten.relu.default"));
    assertEquals(List.of("layer1", "layer1.0"), ModulePaths.ancestors(n));
    Node local = new Node("n", Op.RELU, List.of("x"), List.of("y"), List.of(),
        Map.of(ModulePaths.NAME_SCOPES, "['', 'blocks', '0', \"attn\", 'relu']"));
    assertEquals("blocks.0.attn", ModulePaths.of(local));
  }

  @Test
  void metadataSurvivesARewriteAndIsWrittenBack() {
    Graph out = LowRank.factorize(DYNAMO, LowRankOptions.rank("layer3.2", 8)).graph();
    Graph back = OnnxReader.parse(OnnxWriter.toBytes(out), "round trip", null);
    List<Node> factors = back.nodes().stream()
        .filter(n -> n.name().contains(".lowrank_")).toList();
    assertEquals(4, factors.size()); // two convs of layer3.2, each split in two
    for (Node n : factors) {
      assertTrue(ModulePaths.of(n).startsWith("layer3.2.bn"), n.name());
      assertTrue(n.metadata().containsKey(ModulePaths.NAME_SCOPES), n.name());
    }
    assertTrue(ModuleTree.of(back).module("layer3.2").isPresent());
    Node relu = back.node("node_relu_1").orElseThrow();
    assertEquals(DYNAMO.node("node_relu_1").orElseThrow().metadata(), relu.metadata());
  }
}
