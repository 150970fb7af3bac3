package dev.graft.region;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code --from A --to B} (module paths, node names or tensor names) into a {@link Region},
 * checking that it has one entry and one exit. When a residual connection crosses the border, the
 * message names the escaping tensor and suggests the nearest valid range.
 */
public final class RegionResolver {
  private final Graph graph;
  private final ModuleTree tree;
  private final Set<String> sideInputs;

  public RegionResolver(ModuleTree tree, Set<String> sideInputs) {
    this.graph = tree.graph();
    this.tree = tree;
    this.sideInputs = Set.copyOf(derived(graph, sideInputs));
  }

  /**
   * The side inputs and every tensor computed from them and constants alone: a region reads the
   * mask an exporter made from {@code attention_mask} once for all layers (torch's dynamo
   * exporter computes BERT's additive mask before the first layer) as a side input.
   */
  private static Set<String> derived(Graph g, Set<String> side) {
    Set<String> out = new LinkedHashSet<>(side);
    for (Node n : g.nodes()) {
      boolean reads = false;
      boolean only = true;
      for (String in : n.inputs()) {
        if (in.isEmpty() || g.isConstant(in)) {
          continue;
        }
        reads |= out.contains(in);
        only &= out.contains(in);
      }
      if (reads && only) {
        n.outputs().stream().filter(o -> !o.isEmpty()).forEach(out::add);
      }
    }
    return out;
  }

  public Region resolve(String from, String to) {
    int start = locate(from, true);
    int end = locate(to, false);
    if (start > end) {
      throw GraftException.badInput("region %s..%s is empty: %s comes after %s", from, to, from,
          to);
    }
    Boundary b = boundary(start, end);
    if (b.entries.size() != 1) {
      throw GraftException.badInput(
          "region %s..%s reads %d tensors from outside %s; a region needs one entry (declare"
              + " masks or positions as side inputs)%s",
          from, to, b.entries.size(), b.entries, suggestion(start, end, from, to));
    }
    if (b.exits.size() != 1) {
      List<String> escaping = new ArrayList<>(b.exits);
      String lastOut = graph.nodes().get(end).output(0);
      escaping.remove(lastOut);
      String esc = escaping.isEmpty() ? b.exits.iterator().next() : escaping.get(0);
      String user = graph.consumers(esc).stream()
          .filter(n -> indexOf(n) > end || indexOf(n) < start).map(Node::name).findFirst()
          .orElse("the graph outputs");
      throw GraftException.badInput(
          "region %s..%s has %d exits: tensor '%s' escapes to %s (a residual connection crosses"
              + " the border)%s",
          from, to, b.exits.size(), esc, user, suggestion(start, end, from, to));
    }
    List<String> names = new ArrayList<>();
    for (int i = start; i <= end; i++) {
      names.add(graph.nodes().get(i).name());
    }
    List<String> side = new ArrayList<>(b.side);
    return new Region(from, to, start, end, names, b.entries.iterator().next(),
        b.exits.iterator().next(), side);
  }

  /** Whether nodes {@code [start, end]} form a single-entry/single-exit region. */
  public boolean isValid(int start, int end) {
    Boundary b = boundary(start, end);
    return b.entries.size() == 1 && b.exits.size() == 1;
  }

  private int locate(String name, boolean isStart) {
    var m = tree.module(name);
    if (m.isPresent()) {
      return isStart ? m.get().firstNode() : m.get().lastNode();
    }
    var n = graph.node(name);
    if (n.isPresent()) {
      return indexOf(n.get());
    }
    if (isStart && graph.inputNames().contains(name)) {
      return 0;
    }
    var producer = graph.producer(name);
    if (!isStart && producer.isPresent()) {
      return indexOf(producer.get());
    }
    if (isStart && !graph.consumers(name).isEmpty() && !graph.isConstant(name)) {
      return graph.consumers(name).stream().mapToInt(this::indexOf).min().orElseThrow();
    }
    throw GraftException.badInput(
        "unknown layer '%s' (not a module path, node or tensor); nearest: %s", name,
        Names.nearest(name, tree.names(), 5));
  }

  private int indexOf(Node n) {
    return graph.nodes().indexOf(n);
  }

  private record Boundary(Set<String> entries, Set<String> exits, Set<String> side) {}

  private Boundary boundary(int start, int end) {
    Set<String> produced = new HashSet<>();
    Set<String> entries = new LinkedHashSet<>();
    Set<String> side = new LinkedHashSet<>();
    List<Node> nodes = graph.nodes();
    for (int i = start; i <= end; i++) {
      Node n = nodes.get(i);
      for (String in : n.inputs()) {
        if (in.isEmpty() || produced.contains(in) || graph.isConstant(in)) {
          continue;
        }
        if (sideInputs.contains(in)) {
          side.add(in);
        } else {
          entries.add(in);
        }
      }
      for (String out : n.outputs()) {
        if (!out.isEmpty()) {
          produced.add(out);
        }
      }
    }
    Set<String> exits = new LinkedHashSet<>();
    Set<String> outputs = new HashSet<>(graph.outputNames());
    for (int i = start; i <= end; i++) {
      for (String out : nodes.get(i).outputs()) {
        if (out.isEmpty()) {
          continue;
        }
        boolean usedOutside = outputs.contains(out);
        for (Node c : graph.consumers(out)) {
          int k = indexOf(c);
          usedOutside |= k < start || k > end;
        }
        if (usedOutside) {
          exits.add(out);
        }
      }
    }
    return new Boundary(entries, exits, side);
  }

  /**
   * The nearest valid module range to nodes [start, end], as a message suffix: modules at the
   * depths of the ones asked for where there is one, else at any depth.
   */
  private String suggestion(int start, int end, String from, String to) {
    int fromDepth = tree.module(from).map(Module::depth).orElse(0);
    int toDepth = tree.module(to).map(Module::depth).orElse(0);
    String s = suggestion(start, end, fromDepth, toDepth);
    return s.isEmpty() ? suggestion(start, end, 0, 0) : s;
  }

  private String suggestion(int start, int end, int fromDepth, int toDepth) {
    List<Module> ms = tree.modules();
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    int checked = 0;
    for (Module a : ms) {
      for (Module b : ms) {
        if (a.firstNode() > b.lastNode() || checked > 20000
            || (fromDepth > 0 && a.depth() != fromDepth)
            || (toDepth > 0 && b.depth() != toDepth)) {
          continue;
        }
        int score = Math.abs(a.firstNode() - start) + Math.abs(b.lastNode() - end);
        if (score >= bestScore) {
          continue;
        }
        checked++;
        if (isValid(a.firstNode(), b.lastNode())) {
          bestScore = score;
          best = "--from " + a.path() + " --to " + b.path();
        }
      }
    }
    return best == null ? "" : "; nearest valid range: " + best;
  }
}
