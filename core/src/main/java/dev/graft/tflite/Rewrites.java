package dev.graft.tflite;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import java.util.Optional;

/** The fixpoint loop of the writer's local rewrites (Fuse, GeluPattern, ActivationPatterns). */
final class Rewrites {
  private Rewrites() {}

  /** A rewrite anchored at one node: the rewritten graph, or empty where it does not apply. */
  interface Rule {
    Optional<Graph> at(Graph g, Node n);
  }

  /** Applies {@code rule} at the first node where it matches, again, until it matches nowhere. */
  static Graph toFixpoint(Graph g, Rule rule) {
    Graph cur = g;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : cur.nodes()) {
        Optional<Graph> next = rule.at(cur, n);
        if (next.isPresent()) {
          cur = next.get();
          changed = true;
          break;
        }
      }
    }
    return cur;
  }
}
