package dev.graft.thin;

import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.linalg.LinearLayer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The channels that must be thinned together with one layer's output channels: every tensor that
 * carries them (through per-channel ops, residual Adds and channel Concats), the linear layers
 * that produce them (whose output rows are sliced) and the linear layers that read them (whose
 * input columns are sliced and refit). Channels tied by an Add are one <em>class</em>; a Concat
 * lays its inputs' classes side by side. One selection of classes serves the whole group.
 *
 * <p>Per-channel ops are unary elementwise ops (with constant extra inputs), BatchNormalization,
 * pooling, depthwise Conv and Flatten of trailing unit axes; an elementwise binary op may take a
 * constant that broadcasts per channel, which is sliced too. Anything else that sees the channels
 * (a graph output, a Reshape, a Softmax over them, a graph input feeding an Add...) blocks the
 * group, and {@link #blocked()} says where.
 */
final class ChannelGroup {
  final List<Node> producers = new ArrayList<>();
  final List<Node> consumers = new ArrayList<>();
  final List<Node> inner = new ArrayList<>();
  /** Group tensor → class of each of its channels. */
  final Map<String, int[]> classes = new LinkedHashMap<>();
  /** Group tensor → its channel axis. */
  final Map<String, Integer> axes = new LinkedHashMap<>();
  /** Group tensor → its rank. */
  final Map<String, Integer> ranks = new LinkedHashMap<>();
  int classCount;
  private String blocked;

  private final Graph g;
  private final Deque<String> work = new ArrayDeque<>();

  private ChannelGroup(Graph shaped) {
    this.g = shaped;
  }

  /** The group of {@code seed}'s output channels, in a graph with concrete shapes. */
  static ChannelGroup of(Graph shaped, Node seed) {
    ChannelGroup c = new ChannelGroup(shaped);
    c.explore(seed);
    Map<Node, Integer> order = new HashMap<>();
    for (Node n : shaped.nodes()) {
      order.put(n, order.size());
    }
    for (List<Node> l : List.of(c.producers, c.consumers, c.inner)) {
      l.sort(java.util.Comparator.comparingInt(n -> order.getOrDefault(n, -1)));
    }
    if (c.blocked == null) {
      c.assignClasses();
    }
    return c;
  }

  /** Why the group cannot be thinned, or null. */
  String blocked() {
    return blocked;
  }

  /** Positions of a group tensor's channels whose class is kept, ascending. */
  int[] keptPositions(String tensor, boolean[] keptClass) {
    int[] cls = classes.get(tensor);
    return java.util.stream.IntStream.range(0, cls.length).filter(p -> keptClass[cls[p]])
        .toArray();
  }

  private void explore(Node seed) {
    Optional<LinearLayer> l = LinearLayer.of(g, seed);
    if (l.isEmpty() || !isPlainLayer(l.get())) {
      block("grouped conv " + seed.name() + " is not thinned as a producer");
      return;
    }
    producers.add(seed);
    add(seed.output(0), outputAxis(seed, seed.output(0)));
    while (!work.isEmpty() && blocked == null) {
      String t = work.poll();
      if (g.outputNames().contains(t)) {
        block("its channels reach the graph output " + t);
        return;
      }
      Optional<Node> p = g.producer(t);
      if (p.isEmpty()) {
        block("its channels are tied to the graph input " + t);
        return;
      }
      if (!producers.contains(p.get()) && !inner.contains(p.get())) {
        Optional<LinearLayer> pl = LinearLayer.of(g, p.get());
        if (pl.isPresent() && isPlainLayer(pl.get())) {
          producers.add(p.get());
          if (outputAxis(p.get(), t) != axes.get(t)) {
            block("channel axes disagree at " + t);
          }
        } else {
          visit(p.get(), axes.get(t));
        }
      }
      for (Node c : g.consumers(t)) {
        if (consumers.contains(c) || inner.contains(c)) {
          continue;
        }
        Optional<LinearLayer> cl = LinearLayer.of(g, c);
        if (cl.isPresent() && isPlainLayer(cl.get()) && c.input(0).equals(t)
            && axes.get(t) == inputAxis(c, t)) {
          consumers.add(c);
        } else {
          visit(c, axes.get(t));
        }
      }
    }
  }

  private static boolean isPlainLayer(LinearLayer l) {
    return l.kind() != LinearLayer.Kind.CONV || l.group() == 1;
  }

  /** Channel axis of a linear layer's output: 1 for Conv and Gemm, the last for MatMul. */
  private int outputAxis(Node n, String t) {
    return n.op() == Op.MAT_MUL ? rank(t) - 1 : 1;
  }

  /** The axis a linear layer reads its input features on, or -1 where it reads none. */
  private int inputAxis(Node n, String t) {
    int r = rank(t);
    switch (n.op()) {
      case CONV:
        return r == 4 ? 1 : -1;
      case GEMM:
        return r == 2 ? 1 : -1;
      default:
        return r - 1;
    }
  }

  private void visit(Node n, int ax) {
    if (inner.contains(n)) {
      return;
    }
    inner.add(n);
    String in = n.input(0);
    if (perChannel(n, ax)) {
      for (int i = 1; i < n.inputs().size(); i++) {
        if (!n.input(i).isEmpty() && g.constant(n.input(i)).isEmpty()) {
          block(n.op().onnxName() + " node " + n.name() + " reads its channels with a computed "
              + "input " + n.input(i));
          return;
        }
      }
      add(in, ax);
      add(n.output(0), ax);
      return;
    }
    if (isBinary(n.op())) {
      long[] out = dims(n.output(0));
      for (String x : n.inputs()) {
        Optional<TensorData> c = g.constant(x);
        if (c.isPresent()) {
          if (!ChannelSlices.perChannel(c.get(), out, ax)) {
            block(n.op().onnxName() + " node " + n.name() + " applies constant " + x
                + " across channels");
            return;
          }
        } else if (!java.util.Arrays.equals(dims(x), out)) {
          block(n.op().onnxName() + " node " + n.name() + " broadcasts " + x);
          return;
        } else {
          add(x, ax);
        }
      }
      add(n.output(0), ax);
      return;
    }
    if (n.op() == Op.CONCAT) {
      long axis = n.attrLong("axis", 0);
      if (axis < 0) {
        axis += rank(n.output(0));
      }
      if (axis != ax) {
        block("Concat node " + n.name() + " joins along axis " + axis + ", not the channels");
        return;
      }
      for (String x : n.inputs()) {
        if (g.constant(x).isPresent()) {
          block("Concat node " + n.name() + " joins constant " + x + " to the channels");
          return;
        }
        add(x, ax);
      }
      add(n.output(0), ax);
      return;
    }
    block("its channels reach " + n.op().onnxName() + " node " + n.name());
  }

  /** Ops that map channel c of input 0 to channel c of the output and nothing else. */
  private boolean perChannel(Node n, int ax) {
    switch (n.op()) {
      case BATCH_NORMALIZATION: case MAX_POOL: case AVERAGE_POOL: case GLOBAL_AVERAGE_POOL:
      case GLOBAL_MAX_POOL:
        return ax == 1;
      case DROPOUT:
        return n.outputs().size() == 1;
      case FLATTEN: {
        long[] d = dims(n.input(0));
        if (ax != 1 || n.attrLong("axis", 1) != 1 || d == null) {
          return false;
        }
        for (int i = 2; i < d.length; i++) {
          if (d[i] != 1) {
            return false;
          }
        }
        return true;
      }
      case CONV:
        return ax == 1 && isDepthwise(g, n);
      default:
        return n.op().isUnaryElementwise();
    }
  }

  /** A Conv whose every output channel reads exactly its own input channel. */
  static boolean isDepthwise(Graph g, Node n) {
    Optional<TensorData> w = g.constant(n.input(1));
    long group = n.attrLong("group", 1);
    return w.isPresent() && w.get().rank() == 4 && group > 1 && w.get().dims()[0] == group
        && w.get().dims()[1] == 1 && (n.inputs().size() < 3 || n.input(2).isEmpty()
            || g.constant(n.input(2)).isPresent());
  }

  private static boolean isBinary(Op op) {
    switch (op) {
      case ADD: case SUB: case MUL: case DIV: case MAX: case MIN:
        return true;
      default:
        return false;
    }
  }

  private void add(String t, int ax) {
    Integer had = axes.putIfAbsent(t, ax);
    if (had == null) {
      long[] d = dims(t);
      if (d == null || ax >= d.length) {
        block("tensor " + t + " has no static shape with a channel axis " + ax);
        return;
      }
      ranks.put(t, d.length);
      work.add(t);
    } else if (had != ax) {
      block("channel axes disagree at " + t);
    }
  }

  private void block(String why) {
    if (blocked == null) {
      blocked = why;
    }
  }

  private long[] dims(String t) {
    Shape s = g.info(t).map(ValueInfo::shape).orElse(null);
    return s == null || !s.isStatic() ? null : s.sizes();
  }

  private int rank(String t) {
    long[] d = dims(t);
    return d == null ? -1 : d.length;
  }

  /** Classes by union-find over channel slots, visiting nodes in graph order. */
  private void assignClasses() {
    Map<String, int[]> slots = new HashMap<>();
    List<Integer> parent = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (producers.contains(n)) {
        int c = (int) dims(n.output(0))[axes.get(n.output(0))];
        int[] s = new int[c];
        for (int i = 0; i < c; i++) {
          s[i] = parent.size();
          parent.add(s[i]);
        }
        slots.put(n.output(0), s);
      } else if (inner.contains(n)) {
        List<int[]> ins = new ArrayList<>();
        for (String x : n.inputs()) {
          if (axes.containsKey(x)) {
            if (!slots.containsKey(x)) {
              block("channels of " + x + " come from outside the group");
              return;
            }
            ins.add(slots.get(x));
          }
        }
        if (n.op() == Op.CONCAT) {
          slots.put(n.output(0), ins.stream().flatMapToInt(java.util.Arrays::stream).toArray());
          continue;
        }
        for (int[] other : ins.subList(1, ins.size())) {
          for (int i = 0; i < other.length; i++) {
            parent.set(find(parent, other[i]), find(parent, ins.get(0)[i]));
          }
        }
        slots.put(n.output(0), ins.get(0));
      }
    }
    Map<Integer, Integer> number = new LinkedHashMap<>();
    for (String t : axes.keySet()) {
      int[] s = slots.get(t);
      int[] cls = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        cls[i] = number.computeIfAbsent(find(parent, s[i]), k -> number.size());
      }
      classes.put(t, cls);
    }
    classCount = number.size();
  }

  private static int find(List<Integer> parent, int x) {
    while (parent.get(x) != x) {
      parent.set(x, parent.get(parent.get(x)));
      x = parent.get(x);
    }
    return x;
  }
}
