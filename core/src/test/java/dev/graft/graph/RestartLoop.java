package dev.graft.graph;

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
          cur = edit.get().applyTo(cur);
          changed = true;
          break;
        }
      }
    }
    return cur;
  }
}
