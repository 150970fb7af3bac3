package dev.graft.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rewrite loop Graft used before {@link Rewriter}, kept as the reference its results are
 * compared with: apply the rule at the first node where it matches, rebuild the graph, start
 * again from the first node.
 */
public final class RestartLoop {
  private RestartLoop() {}

  public static Graph toFixpoint(Graph g, Rewriter.Rule rule) {
    Graph cur = g;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : cur.nodes()) {
        Optional<Rewrite> edit = rule.at(cur, n);
        if (edit.isPresent()) {
          cur = apply(cur, edit.get());
          changed = true;
          break;
        }
      }
    }
    return cur;
  }

  private static Graph apply(Graph g, Rewrite edit) {
    Map<Node, List<Node>> replaced = edit.resolve(n -> g.nodes().indexOf(n));
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      List<Node> with = replaced.get(n);
      nodes.addAll(with == null ? List.of(n) : with);
    }
    Graph.Builder b = g.toBuilder().nodes(nodes);
    edit.initializers.forEach(b::initializer);
    return b.pruneUnused().build();
  }
}
