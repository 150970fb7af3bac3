package dev.graft.report;

import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.region.Module;
import dev.graft.region.ModuleTree;
import dev.graft.region.RegionResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code graft inspect} tells of a model: signature, totals, and each module with its ops,
 * params, MACs, output shape, and whether a region may start or end there.
 */
public record ModelSummary(
    String name,
    int opset,
    String producer,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    long params,
    long macs,
    int nodes,
    List<Row> modules) {

  /** One module: where a region may start or end, and whether it is a valid region alone. */
  public record Row(Module module, boolean alone, boolean canStart, boolean canEnd) {}

  /** Modules beyond this many skip the start/end search (it is quadratic). */
  private static final int REGION_SEARCH_LIMIT = 400;

  public static ModelSummary of(String name, Graph g) {
    ModuleTree tree = ModuleTree.of(g);
    RegionResolver resolver = new RegionResolver(tree, Set.of());
    List<Module> ms = tree.modules();
    List<Row> rows = new ArrayList<>();
    for (Module m : ms) {
      boolean alone = resolver.isValid(m.firstNode(), m.lastNode());
      boolean start = alone;
      boolean end = alone;
      if (ms.size() <= REGION_SEARCH_LIMIT) {
        for (Module o : ms) {
          if (o.depth() != m.depth()) {
            continue;
          }
          if (!start && o.lastNode() > m.lastNode()) {
            start = resolver.isValid(m.firstNode(), o.lastNode());
          }
          if (!end && o.firstNode() < m.firstNode()) {
            end = resolver.isValid(o.firstNode(), m.lastNode());
          }
        }
      }
      rows.add(new Row(m, alone, start, end));
    }
    return new ModelSummary(name, g.opset(), g.producerName(), g.inputs(),
        dev.graft.graph.ShapeInference.infer(g).outputs(), tree.totalParams(), tree.totalMacs(),
        g.nodes().size(), rows);
  }

  /** The JSON form: keys as DESIGN.md names them ({@code params}, {@code flops} as MACs). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", name);
    m.put("opset", opset);
    m.put("producer", producer);
    m.put("inputs", signature(inputs));
    m.put("outputs", signature(outputs));
    m.put("params", params);
    m.put("flops", macs);
    m.put("nodes", nodes);
    List<Map<String, Object>> mods = new ArrayList<>();
    for (Row r : modules) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("path", r.module().path());
      e.put("depth", r.module().depth());
      e.put("ops", r.module().opCounts());
      e.put("params", r.module().params());
      e.put("flops", r.module().macs());
      e.put("output_shape", String.valueOf(r.module().outputShape()));
      e.put("region", Map.of("alone", r.alone(), "can_start", r.canStart(), "can_end",
          r.canEnd()));
      mods.add(e);
    }
    m.put("modules", mods);
    return m;
  }

  static List<Map<String, Object>> signature(List<ValueInfo> vs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ValueInfo v : vs) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", v.name());
      e.put("type", v.type().name().toLowerCase(java.util.Locale.ROOT));
      e.put("shape", String.valueOf(v.shape()));
      out.add(e);
    }
    return out;
  }
}
