package dev.graft.region;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The modules of a model, recovered from node metadata or names ({@link ModulePaths}), in order of first
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
    Graph shaped = dev.graft.graph.ShapeInference.infer(g); // symbolic batch, for display
    Map<String, int[]> range = new LinkedHashMap<>();
    Map<String, long[]> cost = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> ops = new LinkedHashMap<>();
    long params = 0;
    long macs = 0;
    List<Node> nodes = g.nodes();
    boolean scoped = scoped(g);
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      long p = costs.newParams(n);
      long m = costs.macs(n);
      params += p;
      macs += m;
      List<String> paths = pathsOf(g, n, scoped);
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

  /**
   * The modules a node belongs to, outermost first ({@link ModulePaths}). In a model whose exporter
   * recorded modules, a node without them (a constant the exporter added) belongs where its first
   * reader belongs.
   */
  static List<String> pathsOf(Graph g, Node n, boolean scoped) {
    if (scoped && !ModulePaths.isScoped(n)) {
      List<Node> readers = n.outputs().isEmpty() ? List.of() : g.consumers(n.output(0));
      if (!readers.isEmpty() && ModulePaths.isScoped(readers.get(0))) {
        return ModulePaths.ancestors(readers.get(0));
      }
    }
    List<String> paths = ModulePaths.ancestors(n);
    if (paths.isEmpty()) {
      return List.of(ModulePaths.of(n));
    }
    return paths;
  }

  /** True when the exporter recorded modules for some node of the graph. */
  static boolean scoped(Graph g) {
    return g.nodes().stream().anyMatch(ModulePaths::isScoped);
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
    return match(pattern, n -> true, "module or node");
  }

  /**
   * The candidate nodes, in graph order, that a pattern names. The pattern is one or more
   * comma-separated globs ({@code *} any text, {@code ?} one character), each matched against
   * the module paths enclosing a node ({@code stage2} and {@code stage2.0.c1} both select
   * {@code /stage2/stage2.0/c1/Conv}), its name and its output tensor names. An empty pattern, or
   * one that matches no candidate, is bad input; the message names {@code what} the candidates
   * are and the nearest of their names, e.g. {@code layer pattern 'stage9.*' matches no
   * Conv/Gemm/MatMul layer; nearest: stage2.0, stage2.1, ...}.
   */
  public List<Node> match(String pattern, Predicate<Node> candidate, String what) {
    if (pattern == null || pattern.isBlank()) {
      throw GraftException.badInput("layer pattern is empty (--layers PATTERN, e.g. 'stage2.*')");
    }
    List<Pattern> globs = new ArrayList<>();
    for (String part : pattern.split(",")) {
      if (!part.isBlank()) {
        globs.add(Pattern.compile(globToRegex(part.trim())));
      }
    }
    List<Node> out = new ArrayList<>();
    List<String> candidateNames = new ArrayList<>();
    boolean scoped = scoped(graph);
    for (Node n : graph.nodes()) {
      if (!candidate.test(n)) {
        continue;
      }
      List<String> names = new ArrayList<>(pathsOf(graph, n, scoped));
      candidateNames.addAll(names);
      names.add(n.name());
      names.addAll(n.outputs());
      if (names.stream().anyMatch(a -> globs.stream().anyMatch(p -> p.matcher(a).matches()))) {
        out.add(n);
      }
    }
    if (out.isEmpty()) {
      List<String> distinct = new ArrayList<>(new LinkedHashSet<>(candidateNames));
      List<String> near = Names.nearest(pattern.replace("*", "").replace("?", ""), distinct, 5);
      throw GraftException.badInput("layer pattern '%s' matches no %s; nearest: %s%s", pattern,
          what, near.isEmpty() ? "(none)" : String.join(", ", near),
          distinct.size() > near.size() ? ", ..." : "");
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
