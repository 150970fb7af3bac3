package dev.graft.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one engine for local rewrites applied until none applies (BatchNorm and bias fusion, GELU
 * and hard-activation patterns, Identity removal). It edits one graph in place and keeps a work
 * list of the nodes to look at, in graph order: at first all of them, after each rewrite only the
 * nodes near what it changed (within {@value #RADIUS} producer/consumer steps, enough for the
 * largest pattern). Rules may look at who reads a tensor, except for constants, whose readers
 * the engine does not track as neighbours. The result equals that of applying the rule at the first node where it
 * matches and starting again from the first node, but each rewrite costs the size of its
 * neighbourhood instead of the whole graph. Whatever a rewrite leaves unread is dropped, as
 * {@link Graph.Builder#pruneUnused} would.
 *
 * <pre>{@code
 * Graph fused = Rewriter.toFixpoint(g, (view, n) -> n.op() == Op.CONV ? fuse(view, n)
 *     : Optional.empty());
 * }</pre>
 */
public final class Rewriter implements GraphView {
  /** A rewrite anchored at one node: the edit, or empty where it does not apply. */
  @FunctionalInterface
  public interface Rule {
    Optional<Rewrite> at(GraphView g, Node n);
  }

  /** Producer/consumer steps from a change within which a rule's answer may change. */
  static final int RADIUS = 8;

  private static final double STEP = 1024;

  private final Graph original;
  private final TreeMap<Double, Node> order = new TreeMap<>();
  private final Map<Node, Double> key = new IdentityHashMap<>();
  private final Map<String, Node> producers = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Map<String, TensorData> initializers;
  private final Set<String> outputs;
  private final TreeSet<Double> pending = new TreeSet<>();
  private boolean changed;

  private Rewriter(Graph g) {
    this.original = g;
    this.initializers = new LinkedHashMap<>(g.initializers());
    this.outputs = new HashSet<>(g.outputNames());
    double k = 0;
    for (Node n : g.nodes()) {
      order.put(k, n);
      key.put(n, k);
      index(n);
      pending.add(k);
      k += STEP;
    }
  }

  /** Applies {@code rule} wherever it matches until it matches nowhere; {@code g} if nowhere. */
  public static Graph toFixpoint(Graph g, Rule rule) {
    Rewriter r = new Rewriter(g);
    r.run(rule);
    return r.changed ? r.result() : g;
  }

  private void run(Rule rule) {
    while (!pending.isEmpty()) {
      Node n = order.get(pending.pollFirst());
      if (n == null) {
        continue;
      }
      Optional<Rewrite> edit = rule.at(this, n);
      if (edit.isPresent()) {
        apply(edit.get());
        Double still = key.get(n);
        if (still != null) {
          pending.add(still);
        }
      }
    }
  }

  private void apply(Rewrite edit) {
    Set<String> touched = new HashSet<>();
    Deque<String> unread = new ArrayDeque<>();
    for (Map.Entry<Node, List<Node>> e : edit.resolve(key::get).entrySet()) {
      Node old = e.getKey();
      double k = key.get(old);
      Double next = order.higherKey(k);
      double room = (next == null ? k + STEP : next) - k;
      remove(old, touched);
      unread.addAll(old.inputs());
      List<Node> with = e.getValue();
      for (int j = 0; j < with.size(); j++) {
        double at = k + room * j / with.size();
        Node n = with.get(j);
        order.put(at, n);
        key.put(n, at);
        index(n);
        pending.add(at);
        touched.addAll(n.inputs());
        touched.addAll(n.outputs());
      }
      if (room / Math.max(1, with.size()) < 1e-6) {
        renumber();
      }
    }
    edit.initializers.forEach(t -> initializers.put(t.name(), t));
    if (!changed) {
      changed = true;
      unread.addAll(consumers.keySet());
      unread.addAll(initializers.keySet());
      for (Node n : order.values()) {
        unread.addAll(n.outputs());
      }
    }
    prune(unread, touched);
    touched.remove("");
    markNear(touched);
  }

  /** Drops initializers and nodes that nothing reads any more, starting from these tensors. */
  private void prune(Deque<String> unread, Set<String> touched) {
    while (!unread.isEmpty()) {
      String t = unread.pop();
      if (isOutput(t) || !consumers.getOrDefault(t, List.of()).isEmpty()) {
        continue;
      }
      initializers.remove(t);
      Node p = producers.get(t);
      if (p != null && key.containsKey(p) && p.outputs().stream().allMatch(
          o -> !isOutput(o) && consumers.getOrDefault(o, List.of()).isEmpty())) {
        remove(p, touched);
        unread.addAll(p.inputs());
      }
    }
  }

  /**
   * Puts the nodes within {@link #RADIUS} steps of the touched tensors on the work list. Steps
   * do not pass through constants: rules read a constant's value, never who else reads it, and
   * one constant (a 0.5, a 1) is often read all over the graph.
   */
  private void markNear(Set<String> touched) {
    Set<String> seen = new HashSet<>(touched);
    Set<Node> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<String> frontier = new ArrayList<>(touched);
    for (int step = 0; step <= RADIUS && !frontier.isEmpty(); step++) {
      List<String> next = new ArrayList<>();
      for (String t : frontier) {
        if (isConstant(t)) {
          continue;
        }
        List<Node> near = new ArrayList<>(consumers.getOrDefault(t, List.of()));
        Node p = producers.get(t);
        if (p != null) {
          near.add(p);
        }
        for (Node n : near) {
          if (!visited.add(n)) {
            continue;
          }
          pending.add(key.get(n));
          for (String u : n.inputs()) {
            if (!u.isEmpty() && seen.add(u)) {
              next.add(u);
            }
          }
          for (String u : n.outputs()) {
            if (!u.isEmpty() && seen.add(u)) {
              next.add(u);
            }
          }
        }
      }
      frontier = next;
    }
  }

  private boolean isConstant(String t) {
    if (initializers.containsKey(t)) {
      return true;
    }
    Node p = producers.get(t);
    return p != null && p.op() == Op.CONSTANT;
  }

  private void index(Node n) {
    for (String o : n.outputs()) {
      if (!o.isEmpty()) {
        producers.put(o, n);
      }
    }
    for (String i : n.inputs()) {
      consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
    }
  }

  private void remove(Node n, Set<String> touched) {
    Double k = key.remove(n);
    order.remove(k);
    pending.remove(k);
    for (String o : n.outputs()) {
      if (!o.isEmpty() && producers.get(o) == n) {
        producers.remove(o);
      }
      touched.add(o);
    }
    // a node may read one tensor twice (Mul(x, x)): its reader list is cleaned on the first
    for (String i : new java.util.LinkedHashSet<>(n.inputs())) {
      List<Node> c = consumers.get(i);
      c.removeIf(x -> x == n);
      if (c.isEmpty()) {
        consumers.remove(i);
      }
      touched.add(i);
    }
  }

  /** Spreads the order keys out again after many insertions at one place. */
  private void renumber() {
    List<Node> nodes = new ArrayList<>(order.values());
    Set<Node> waiting = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    pending.forEach(k -> waiting.add(order.get(k)));
    order.clear();
    key.clear();
    pending.clear();
    double k = 0;
    for (Node n : nodes) {
      order.put(k, n);
      key.put(n, k);
      if (waiting.contains(n)) {
        pending.add(k);
      }
      k += STEP;
    }
  }

  private Graph result() {
    Graph.Builder b = original.toBuilder().nodes(new ArrayList<>(order.values()));
    b.initializers().clear();
    b.initializers().putAll(initializers);
    return b.pruneUnused().build();
  }

  @Override
  public Optional<Node> producer(String tensor) {
    return Optional.ofNullable(producers.get(tensor));
  }

  @Override
  public List<Node> consumers(String tensor) {
    if (tensor.isEmpty()) {
      return List.of();
    }
    List<Node> c = consumers.get(tensor);
    if (c == null) {
      return List.of();
    }
    List<Node> sorted = new ArrayList<>(c);
    sorted.sort(Comparator.comparingDouble(key::get));
    return sorted;
  }

  @Override
  public Optional<TensorData> constant(String tensor) {
    return Constants.lookup(initializers, producers, tensor);
  }

  @Override
  public Optional<ValueInfo> info(String tensor) {
    Optional<ValueInfo> v = original.declared(tensor);
    if (v.isPresent()) {
      return v;
    }
    TensorData t = initializers.get(tensor);
    return t == null ? Optional.empty() : Optional.of(new ValueInfo(tensor, t.type(), t.shape()));
  }

  @Override
  public boolean isOutput(String tensor) {
    return outputs.contains(tensor);
  }

  @Override
  public boolean isTaken(String name) {
    return initializers.containsKey(name) || producers.containsKey(name);
  }
}
