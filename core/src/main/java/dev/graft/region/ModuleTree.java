package dev.graft.region;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The modules of a model, recovered from node names ({@link ModulePaths}), in order of first
 * appearance, each with its node range, parameters and MACs. Modules nest by path prefix.
 *
 * <pre>{@code
 * ModuleTree t = ModuleTree.of(graph);
 * t.module("stage1.0").orElseThrow().params();
 * }</pre>
 */
public final class ModuleTree {
  private final Graph graph;
  private final Map<String, Module> modules;
  private final long totalParams;
  private final long totalMacs;

  private ModuleTree(Graph graph, Map<String, Module> modules, long params, long macs) {
    this.graph = graph;
    this.modules = modules;
    this.totalParams = params;
    this.totalMacs = macs;
  }

  public static ModuleTree of(Graph g) {
    Costs costs = Costs.of(g);
    Graph shaped = costs.shapedGraph();
    Map<String, int[]> range = new LinkedHashMap<>();
    Map<String, long[]> cost = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> ops = new LinkedHashMap<>();
    long params = 0;
    long macs = 0;
    List<Node> nodes = g.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      long p = costs.newParams(n);
      long m = costs.macs(n);
      params += p;
      macs += m;
      List<String> paths = ModulePaths.ancestors(n.name());
      if (paths.isEmpty()) {
        paths = List.of(ModulePaths.of(n.name()));
      }
      for (String path : paths) {
        int[] r = range.computeIfAbsent(path, k -> new int[] {nodes.size(), -1});
        final int idx = i;
        r[0] = Math.min(r[0], idx);
        r[1] = Math.max(r[1], idx);
        long[] c = cost.computeIfAbsent(path, k -> new long[2]);
        c[0] += p;
        c[1] += m;
        ops.computeIfAbsent(path, k -> new TreeMap<>()).merge(n.op().onnxName(), 1, Integer::sum);
      }
    }
    params += unreadParams(g);
    Map<String, Module> modules = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : range.entrySet()) {
      String path = e.getKey();
      int[] r = e.getValue();
      Node last = nodes.get(r[1]);
      Shape out = shaped.info(last.output(0)).map(ValueInfo::shape).orElse(null);
      modules.put(path, new Module(path, depthOf(path, range), r[0], r[1], cost.get(path)[0],
          cost.get(path)[1], ops.get(path), out));
    }
    return new ModuleTree(g, modules, params, macs);
  }

  /** Depth by nesting: 1 + the number of other module paths that are prefixes of this one. */
  private static int depthOf(String path, Map<String, int[]> all) {
    int d = 1;
    for (String other : all.keySet()) {
      if (!other.equals(path) && path.startsWith(other + ".")) {
        d++;
      }
    }
    return d;
  }

  private static long unreadParams(Graph g) {
    java.util.Set<String> read = new java.util.HashSet<>();
    g.nodes().forEach(n -> read.addAll(n.inputs()));
    long p = 0;
    for (var t : g.initializers().values()) {
      if (!read.contains(t.name()) && t.type().isFloating()) {
        p += t.elementCount();
      }
    }
    return p;
  }

  public Graph graph() {
    return graph;
  }

  /** All modules in order of first appearance (a parent before its children). */
  public List<Module> modules() {
    return new ArrayList<>(modules.values());
  }

  public Optional<Module> module(String path) {
    return Optional.ofNullable(modules.get(path));
  }

  /** Direct children of a module ("" for the root). */
  public List<Module> children(String parent) {
    List<Module> out = new ArrayList<>();
    for (Module m : modules.values()) {
      if (parent.isEmpty() ? m.depth() == 1
          : m.path().startsWith(parent + ".") && m.depth() == depth(parent) + 1) {
        out.add(m);
      }
    }
    return out;
  }

  private int depth(String path) {
    Module m = modules.get(path);
    return m == null ? 0 : m.depth();
  }

  /** Weight elements in the file (floating-point initializers), each counted once. */
  public long totalParams() {
    return totalParams;
  }

  /** Multiply-accumulates per sample. */
  public long totalMacs() {
    return totalMacs;
  }

  /**
   * Nodes of the layers a pattern names: a module path, a node name, or a glob over them where
   * {@code *} matches anything ({@code stage2.*}). Refused, with the nearest names, when nothing
   * matches.
   */
  public List<Node> match(String pattern) {
    Pattern p = Pattern.compile(globToRegex(pattern));
    List<Node> out = new ArrayList<>();
    List<Node> nodes = graph.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      boolean hit = p.matcher(n.name()).matches();
      for (String a : ModulePaths.ancestors(n.name())) {
        hit |= p.matcher(a).matches();
      }
      hit |= p.matcher(ModulePaths.of(n.name())).matches();
      if (hit) {
        out.add(n);
      }
    }
    if (out.isEmpty()) {
      throw GraftException.badInput(
          "layer pattern '%s' matches no module or node; nearest: %s", pattern,
          Names.nearest(pattern.replace("*", ""), names(), 5));
    }
    return out;
  }

  /** Every name a user may give: module paths, then node names. */
  public List<String> names() {
    List<String> all = new ArrayList<>(modules.keySet());
    graph.nodes().forEach(n -> all.add(n.name()));
    return all;
  }

  static String globToRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') {
        sb.append(".*");
      } else if (c == '?') {
        sb.append('.');
      } else {
        sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }
}
