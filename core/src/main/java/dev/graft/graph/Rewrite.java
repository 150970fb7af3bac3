package dev.graft.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One local edit a rewrite rule asks for: nodes replaced in place (by none, one or several
 * nodes that take the old node's place in the order) and new initializers. Whatever the edit
 * leaves unread is dropped. {@link Rewriter} applies it.
 *
 * <pre>{@code
 * return Optional.of(Rewrite.replace(conv, fused).remove(bn).initializer(weights));
 * }</pre>
 */
public final class Rewrite {
  final Map<Node, List<Node>> replaced = new IdentityHashMap<>();
  final List<TensorData> initializers = new ArrayList<>();
  Collection<Node> latestOf;
  List<Node> atLatest;

  private Rewrite() {}

  /** An edit that puts {@code with} in the place of {@code old}. */
  public static Rewrite replace(Node old, List<Node> with) {
    return new Rewrite().andReplace(old, with);
  }

  public static Rewrite replace(Node old, Node with) {
    return replace(old, List.of(with));
  }

  /**
   * An edit that removes {@code gone} and puts {@code with} in the place of the last of them in
   * graph order.
   */
  public static Rewrite replaceLatest(Collection<Node> gone, List<Node> with) {
    Rewrite r = new Rewrite();
    r.latestOf = List.copyOf(gone);
    r.atLatest = List.copyOf(with);
    return r;
  }

  /** Also puts {@code with} in the place of {@code old}. */
  public Rewrite andReplace(Node old, List<Node> with) {
    replaced.put(old, List.copyOf(with));
    return this;
  }

  /** Also removes {@code old}. */
  public Rewrite remove(Node old) {
    return andReplace(old, List.of());
  }

  /** Also adds (or replaces) an initializer. */
  public Rewrite initializer(TensorData t) {
    initializers.add(t);
    return this;
  }

  /**
   * The edit applied to an immutable graph, rebuilt and pruned: one step of the loop Graft used
   * before {@link Rewriter}, kept as the reference the engine's results and speed are measured
   * against.
   */
  public Graph applyTo(Graph g) {
    Map<Node, List<Node>> with = resolve(n -> g.nodes().indexOf(n));
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      List<Node> w = with.get(n);
      nodes.addAll(w == null ? List.of(n) : w);
    }
    Graph.Builder b = g.toBuilder().nodes(nodes);
    initializers.forEach(b::initializer);
    return b.pruneUnused().build();
  }

  /** The replacements, with those of {@link #replaceLatest} resolved by graph position. */
  Map<Node, List<Node>> resolve(ToDoubleFunction<Node> position) {
    if (latestOf == null) {
      return replaced;
    }
    Node last = null;
    for (Node n : latestOf) {
      if (last == null || position.applyAsDouble(n) > position.applyAsDouble(last)) {
        last = n;
      }
    }
    Map<Node, List<Node>> out = new IdentityHashMap<>(replaced);
    for (Node n : latestOf) {
      out.put(n, n == last ? atLatest : List.of());
    }
    return out;
  }
}
