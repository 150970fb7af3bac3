package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.region.RegionResolver;
import dev.graft.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * torch's dynamo exporter writes a squeeze-excite gate's pooling as ReduceMean over the spatial
 * axes, where the TorchScript exporter wrote GlobalAveragePool: thin-conv takes both alike.
 */
class ThinConvSpatialMeanTest {

  private static float[] student(Graph g, Region region, float[] x, long[] shape) {
    Student s = Students.build(new StudentSpec.ThinConv(0.25), g, region, 1);
    try (OrtRunner ort = OrtRunner.open(s.graph(), Device.CPU)) {
      return ort.run(Map.of(region.entry(), NdArray.of(x, shape))).get(region.exit()).floats();
    }
  }

  @Test
  void aSqueezeExciteGatePooledByReduceMeanGivesTheSameStudent() {
    Graph pooled =
        OnnxReader.read(Fixtures.root().resolve("modern").resolve("fm_mobilenetv3.onnx"));
    List<Node> nodes = new ArrayList<>();
    int rewritten = 0;
    for (Node n : pooled.nodes()) {
      if (n.op() == Op.GLOBAL_AVERAGE_POOL && !pooled.outputNames().contains(n.output(0))) {
        nodes.add(new Node(n.name(), Op.REDUCE_MEAN, n.inputs(), n.outputs(),
            List.of(Attribute.ints("axes", -1, -2), Attribute.of("keepdims", 1L)),
            n.metadata()));
        rewritten++;
      } else {
        nodes.add(n);
      }
    }
    assertTrue(rewritten > 0);
    Graph meaned = pooled.toBuilder().nodes(nodes).build();
    Region a = new RegionResolver(ModuleTree.of(pooled), Set.of()).resolve("features.5",
        "features.6");
    Region b = new RegionResolver(ModuleTree.of(meaned), Set.of()).resolve("features.5",
        "features.6");
    assertTrue(b.nodeNames().stream().anyMatch(
        n -> meaned.node(n).orElseThrow().op() == Op.REDUCE_MEAN));
    long[] shape = dev.graft.graph.ShapeInference.infer(pooled).info(a.entry()).orElseThrow()
        .shape().bind("batch", 2).sizes();
    float[] x = new float[(int) NdArray.elementCount(shape)];
    Random r = new Random(4);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    assertArrayEquals(student(pooled, a, x, shape), student(meaned, b, x, shape), 1e-5f);
  }
}
