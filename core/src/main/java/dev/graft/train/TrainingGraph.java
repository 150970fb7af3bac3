package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.simplify.ConstantFolding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the plain ONNX model that runs {@code steps} AdamW steps of MSE regression at once.
 *
 * <p>Inputs: each parameter {@code p}; the AdamW moments of all parameters flattened end to end in
 * their order, {@link #MOMENT1} and {@link #MOMENT2}; every student input and the target, stacked
 * as {@code steps × batch} rows; and {@code hyper} [steps × 3] holding {@link AdamW#stepScalars}
 * per step. Outputs: {@code new/p} per parameter, {@code new/adam/m}, {@code new/adam/v} and
 * {@code losses} [steps]. The optimizer runs as one chain of element-wise operators on the
 * flattened gradients each step rather than one chain per parameter: fewer, larger operators.
 * The student graph reads its inputs (first axis the batch), writes one output, and holds its
 * parameters as float initializers. A step split into batch shards runs {@link #gradientGraph}
 * once per shard and {@link #updateGraph} once, with the same update.
 */
public final class TrainingGraph {
  /** Name of the stacked-target input. */
  public static final String TARGET = "target";
  public static final String HYPER = "hyper";
  public static final String LOSSES = "losses";
  /** Names of the flat first and second moment inputs (all parameters end to end). */
  public static final String MOMENT1 = "adam/m";
  public static final String MOMENT2 = "adam/v";
  /** Name of a gradient graph's flat gradient output ({@link #gradientGraph}). */
  static final String GRAD = "grad";
  /** Prefix of the outputs that carry updated parameters and moments. */
  public static final String NEW = "new/";

  private TrainingGraph() {}

  public static Graph build(Graph student, List<String> params, int batch, int steps,
      AdamW opt) {
    return build(student, params, batch, steps, opt, TrainLoss.MSE);
  }

  /** As above, minimizing {@code loss} instead of the MSE. */
  public static Graph build(Graph student, List<String> params, int batch, int steps,
      AdamW opt, TrainLoss loss) {
    Graph perStep = stepGraph(student, params, batch, loss);
    Graph.Builder out = Graph.builder().name("graft-train").opset(student.opset());
    GraphEmitter e = new GraphEmitter(out, "opt/", DType.FLOAT);
    int opset = student.opset();
    Set<String> stepInputs = new java.util.HashSet<>(student.inputNames());
    stepInputs.add(TARGET);
    long total = total(student, params);
    for (String p : params) {
      out.input(new ValueInfo(p, DType.FLOAT,
          Shape.of(student.initializer(p).orElseThrow().dims())));
    }
    out.input(new ValueInfo(MOMENT1, DType.FLOAT, Shape.of(total)));
    out.input(new ValueInfo(MOMENT2, DType.FLOAT, Shape.of(total)));
    Map<String, List<String>> stepSlices = new HashMap<>();
    for (ValueInfo v : perStep.inputs()) {
      if (stepInputs.contains(v.name())) {
        out.input(v.withShape(v.shape().withDim(0, Dim.of((long) batch * steps))));
        stepSlices.put(v.name(), split(e, opset, v.name(), filled(steps, batch)));
      }
    }
    out.input(new ValueInfo(HYPER, DType.FLOAT, Shape.of(steps * 3L)));
    List<String> scalars = split(e, opset, HYPER, filled(steps * 3, 1));
    for (TensorData t : perStep.initializers().values()) {
      out.initializer(t);
    }
    Map<String, String> current = new HashMap<>();
    for (String p : params) {
      current.put(p, p);
    }
    String m = MOMENT1;
    String v = MOMENT2;
    List<String> losses = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      String prefix = "s" + k + "/";
      Map<String, String> rename = new HashMap<>();
      for (String in : stepInputs) {
        rename.put(in, stepSlices.get(in).get(k));
      }
      for (String p : params) {
        rename.put(p, current.get(p));
      }
      for (Node n : perStep.nodes()) {
        out.node(new Node(prefix + n.name(), n.op(), rename(n.inputs(), rename, prefix, perStep),
            rename(n.outputs(), rename, prefix, perStep), List.copyOf(n.attributes().values())));
      }
      List<String> grads = new ArrayList<>();
      for (String p : params) {
        grads.add(prefix + Autodiff.gradName(p));
      }
      String[] mv = update(e, student, params, current, m, v, flatConcat(e, grads),
          scalars.subList(3 * k, 3 * k + 3), opt);
      m = mv[0];
      v = mv[1];
      losses.add(e.op(Op.RESHAPE, List.of(prefix + "loss", e.longs(1))));
    }
    outputState(e, out, student, params, current, m, v);
    e.opTo(LOSSES, Op.CONCAT, losses, Attribute.of("axis", 0L));
    out.output(new ValueInfo(LOSSES, DType.FLOAT, Shape.of(steps)));
    return out.build();
  }

  /**
   * One AdamW update over all parameters at once, on their gradient {@code g} flattened end to
   * end, with the step's {@code scalars} (step size, ε̂, decay; {@link AdamW#stepScalars}): the
   * parameters' new tensors go into {@code current}; returns the new moments.
   */
  private static String[] update(GraphEmitter e, Graph student, List<String> params,
      Map<String, String> current, String m, String v, String g, List<String> scalars,
      AdamW opt) {
    String b1 = e.scalar(opt.beta1());
    String b1c = e.scalar(1 - opt.beta1());
    String b2 = e.scalar(opt.beta2());
    String b2c = e.scalar(1 - opt.beta2());
    String m1 = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(m, b1)),
        e.op(Op.MUL, List.of(g, b1c))));
    String v1 = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(v, b2)),
        e.op(Op.MUL, List.of(e.op(Op.MUL, List.of(g, g)), b2c))));
    String denom = e.op(Op.ADD, List.of(e.op(Op.SQRT, List.of(v1)), scalars.get(1)));
    String upd = e.op(Op.MUL, List.of(e.op(Op.DIV, List.of(m1, denom)), scalars.get(0)));
    List<String> parts = params.size() == 1 ? List.of(upd)
        : split(e, student.opset(), upd, sizes(student, params));
    for (int i = 0; i < params.size(); i++) {
      String p = params.get(i);
      TensorData init = student.initializer(p).orElseThrow();
      String w = current.get(p);
      if (init.rank() >= 2 && opt.weightDecay() != 0) {
        w = e.op(Op.MUL, List.of(w, scalars.get(2)));
      }
      String u = e.op(Op.RESHAPE, List.of(parts.get(i), e.longs(init.dims())));
      current.put(p, e.op(Op.SUB, List.of(w, u)));
    }
    return new String[] {m1, v1};
  }

  /** The tensors flattened and concatenated end to end. */
  private static String flatConcat(GraphEmitter e, List<String> xs) {
    String flat = e.longs(-1);
    List<String> parts = new ArrayList<>();
    for (String x : xs) {
      parts.add(e.op(Op.RESHAPE, List.of(x, flat)));
    }
    return parts.size() == 1 ? parts.get(0) : e.op(Op.CONCAT, parts, Attribute.of("axis", 0L));
  }

  /** Outputs {@code new/p} per parameter and the new moments. */
  private static void outputState(GraphEmitter e, Graph.Builder out, Graph student,
      List<String> params, Map<String, String> current, String m, String v) {
    for (String p : params) {
      long[] dims = student.initializer(p).orElseThrow().dims();
      e.opTo(NEW + p, Op.IDENTITY, List.of(current.get(p)));
      out.output(new ValueInfo(NEW + p, DType.FLOAT, Shape.of(dims)));
    }
    long total = total(student, params);
    e.opTo(NEW + MOMENT1, Op.IDENTITY, List.of(m));
    e.opTo(NEW + MOMENT2, Op.IDENTITY, List.of(v));
    out.output(new ValueInfo(NEW + MOMENT1, DType.FLOAT, Shape.of(total)));
    out.output(new ValueInfo(NEW + MOMENT2, DType.FLOAT, Shape.of(total)));
  }

  private static long[] sizes(Graph student, List<String> params) {
    long[] sizes = new long[params.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = NdShapes.count(student.initializer(params.get(i)).orElseThrow().dims());
    }
    return sizes;
  }

  private static long total(Graph student, List<String> params) {
    return java.util.Arrays.stream(sizes(student, params)).sum();
  }

  /**
   * The loss and the gradient of one batch of {@code batch} rows, for a step split across
   * batch shards ({@link ShardedSteps}): inputs as {@link #build}'s without the moments and
   * {@link #HYPER}; outputs {@code loss} (a scalar) and {@link #GRAD}, every parameter's gradient
   * flattened end to end in their order; for ONNX Runtime on {@code oneThread} intra-op thread
   * or on several.
   */
  public static Graph gradientGraph(Graph student, List<String> params, int batch, TrainLoss loss,
      boolean oneThread) {
    Graph step = stepGraph(student, params, batch, loss, oneThread);
    Graph.Builder b = step.toBuilder();
    GraphEmitter e = new GraphEmitter(b, "flat/", DType.FLOAT);
    List<String> grads = new ArrayList<>();
    for (String p : params) {
      grads.add(Autodiff.gradName(p));
    }
    e.opTo(GRAD, Op.IDENTITY, List.of(flatConcat(e, grads)));
    return b.outputs(List.of(new ValueInfo("loss", DType.FLOAT, Shape.scalar()),
        new ValueInfo(GRAD, DType.FLOAT, Shape.of(total(student, params))))).build();
  }

  /**
   * One AdamW step from the gradients and losses of {@code shards} equal batch shards: inputs
   * each parameter, the moments, {@link #HYPER} [3], and per shard {@code i} its {@link #GRAD}
   * as {@code grad/i} and its loss as {@code loss/i}; outputs as {@link #build}'s for one step.
   * The gradient is the shards' mean, which for a loss that is a mean over rows equals the whole
   * batch's.
   */
  static Graph updateGraph(Graph student, List<String> params, int shards, AdamW opt) {
    Graph.Builder out = Graph.builder().name("graft-update").opset(student.opset());
    GraphEmitter e = new GraphEmitter(out, "opt/", DType.FLOAT);
    long total = total(student, params);
    Map<String, String> current = new HashMap<>();
    for (String p : params) {
      out.input(new ValueInfo(p, DType.FLOAT,
          Shape.of(student.initializer(p).orElseThrow().dims())));
      current.put(p, p);
    }
    out.input(new ValueInfo(MOMENT1, DType.FLOAT, Shape.of(total)));
    out.input(new ValueInfo(MOMENT2, DType.FLOAT, Shape.of(total)));
    out.input(new ValueInfo(HYPER, DType.FLOAT, Shape.of(3)));
    List<String> grads = new ArrayList<>();
    List<String> losses = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      out.input(new ValueInfo(GRAD + "/" + i, DType.FLOAT, Shape.of(total)));
      out.input(new ValueInfo("loss/" + i, DType.FLOAT, Shape.scalar()));
      grads.add(GRAD + "/" + i);
      losses.add("loss/" + i);
    }
    String mean = e.scalar(1.0 / shards);
    String g = e.op(Op.MUL, List.of(e.op(Op.SUM, grads), mean));
    String[] mv = update(e, student, params, current, MOMENT1, MOMENT2, g,
        split(e, student.opset(), HYPER, filled(3, 1)), opt);
    outputState(e, out, student, params, current, mv[0], mv[1]);
    e.opTo(LOSSES, Op.RESHAPE, List.of(e.op(Op.MUL, List.of(e.op(Op.SUM, losses), mean)),
        e.longs(1)));
    out.output(new ValueInfo(LOSSES, DType.FLOAT, Shape.of(1)));
    return out.build();
  }

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** Splits a tensor along its first axis into pieces of the given sizes (one piece: itself). */
  private static List<String> split(GraphEmitter e, int opset, String x, long[] sizes) {
    return split(e, opset, x, sizes, 0);
  }

  /** Splits a tensor along {@code axis} into pieces of the given sizes (one piece: itself). */
  static List<String> split(GraphEmitter e, int opset, String x, long[] sizes, long axis) {
    if (sizes.length == 1) {
      return List.of(x);
    }
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      outs.add(e.fresh("split"));
    }
    Attribute ax = Attribute.of("axis", axis);
    Graph.Builder b = e.builder();
    String name = e.fresh("Split");
    if (opset >= 13) {
      b.node(new Node(name, Op.SPLIT, List.of(x, e.longs(sizes)), outs, List.of(ax)));
    } else {
      b.node(new Node(name, Op.SPLIT, List.of(x), outs, List.of(ax, Attribute.ints("split",
          sizes))));
    }
    return outs;
  }

  private static List<String> rename(List<String> names, Map<String, String> rename,
      String prefix, Graph g) {
    List<String> r = new ArrayList<>();
    for (String s : names) {
      if (s.isEmpty() || g.initializers().containsKey(s)) {
        r.add(s);
      } else {
        r.add(rename.getOrDefault(s, prefix + s));
      }
    }
    return r;
  }

  /** One step: the student with its parameters as inputs, MSE loss and gradients. */
  static Graph stepGraph(Graph student, List<String> params, int batch) {
    return stepGraph(student, params, batch, TrainLoss.MSE);
  }

  /** One step: the student with its parameters as inputs, the loss and gradients. */
  static Graph stepGraph(Graph student, List<String> params, int batch, TrainLoss loss) {
    return stepGraph(student, params, batch, loss, false);
  }

  /** As above, for ONNX Runtime on {@code oneThread} intra-op thread or on several. */
  static Graph stepGraph(Graph student, List<String> params, int batch, TrainLoss loss,
      boolean oneThread) {
    if (student.outputs().size() != 1) {
      throw GraftException.badInput("student %s must have one output, has %d", student.name(),
          student.outputs().size());
    }
    Graph.Builder b = student.toBuilder();
    List<ValueInfo> ins = new ArrayList<>();
    for (ValueInfo v : student.inputs()) {
      ins.add(v.withShape(v.shape().withDim(0, Dim.of(batch))));
    }
    b.inputs(ins);
    for (String p : params) {
      TensorData t = student.initializer(p).orElseThrow(() -> GraftException.badInput(
          "student %s has no parameter '%s'", student.name(), p));
      b.removeInitializer(p);
      b.input(new ValueInfo(p, DType.FLOAT, t.shape()));
    }
    Graph bound = b.build();
    if (bound.nodes().stream().anyMatch(n -> n.op() == Op.SHAPE)) {
      // With the batch bound, shape arithmetic (a frozen teacher's attention slicing bounds)
      // folds to the constants differentiation needs; parameters are inputs, so they stay.
      bound = ConstantFolding.fold(bound);
    }
    b = bound.toBuilder();
    ValueInfo y = student.outputs().get(0);
    Shape ys = y.shape().withDim(0, Dim.of(batch));
    b.input(new ValueInfo(TARGET, DType.FLOAT, ys));
    GraphEmitter e = new GraphEmitter(b, "loss/", DType.FLOAT);
    long elements = NdShapes.count(ys.sizes());
    String seed = loss.emit(e, y.name(), TARGET, elements,
        elements / ys.sizes()[ys.rank() - 1]);
    b.outputs(List.of(new ValueInfo("loss", DType.FLOAT, Shape.scalar())));
    return Autodiff.gradientsFrom(b.build(), y.name(), seed, params, oneThread);
  }
}
