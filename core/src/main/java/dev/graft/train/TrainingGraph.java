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
 * parameters as float initializers.
 */
public final class TrainingGraph {
  /** Name of the stacked-target input. */
  public static final String TARGET = "target";
  public static final String HYPER = "hyper";
  public static final String LOSSES = "losses";
  /** Names of the flat first and second moment inputs (all parameters end to end). */
  public static final String MOMENT1 = "adam/m";
  public static final String MOMENT2 = "adam/v";
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
    long[] sizes = new long[params.size()];
    long total = 0;
    for (int i = 0; i < params.size(); i++) {
      long[] dims = student.initializer(params.get(i)).orElseThrow().dims();
      out.input(new ValueInfo(params.get(i), DType.FLOAT, Shape.of(dims)));
      sizes[i] = NdShapes.count(dims);
      total += sizes[i];
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
    String b1 = e.scalar(opt.beta1());
    String b1c = e.scalar(1 - opt.beta1());
    String b2 = e.scalar(opt.beta2());
    String b2c = e.scalar(1 - opt.beta2());
    String flat = e.longs(-1);
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
      // One AdamW update over all parameters at once, on their gradients flattened end to end.
      String stepSize = scalars.get(3 * k);
      String epsHat = scalars.get(3 * k + 1);
      String decay = scalars.get(3 * k + 2);
      List<String> grads = new ArrayList<>();
      for (String p : params) {
        grads.add(e.op(Op.RESHAPE, List.of(prefix + Autodiff.gradName(p), flat)));
      }
      String g = grads.size() == 1 ? grads.get(0)
          : e.op(Op.CONCAT, grads, Attribute.of("axis", 0L));
      m = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(m, b1)), e.op(Op.MUL, List.of(g, b1c))));
      v = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(v, b2)),
          e.op(Op.MUL, List.of(e.op(Op.MUL, List.of(g, g)), b2c))));
      String denom = e.op(Op.ADD, List.of(e.op(Op.SQRT, List.of(v)), epsHat));
      String upd = e.op(Op.MUL, List.of(e.op(Op.DIV, List.of(m, denom)), stepSize));
      List<String> parts = params.size() == 1 ? List.of(upd) : split(e, opset, upd, sizes);
      for (int i = 0; i < params.size(); i++) {
        String p = params.get(i);
        TensorData init = student.initializer(p).orElseThrow();
        String w = current.get(p);
        if (init.rank() >= 2 && opt.weightDecay() != 0) {
          w = e.op(Op.MUL, List.of(w, decay));
        }
        String u = e.op(Op.RESHAPE, List.of(parts.get(i), e.longs(init.dims())));
        current.put(p, e.op(Op.SUB, List.of(w, u)));
      }
      losses.add(e.op(Op.RESHAPE, List.of(prefix + "loss", e.longs(1))));
    }
    for (String p : params) {
      long[] dims = student.initializer(p).orElseThrow().dims();
      e.opTo(NEW + p, Op.IDENTITY, List.of(current.get(p)));
      out.output(new ValueInfo(NEW + p, DType.FLOAT, Shape.of(dims)));
    }
    e.opTo(NEW + MOMENT1, Op.IDENTITY, List.of(m));
    e.opTo(NEW + MOMENT2, Op.IDENTITY, List.of(v));
    out.output(new ValueInfo(NEW + MOMENT1, DType.FLOAT, Shape.of(total)));
    out.output(new ValueInfo(NEW + MOMENT2, DType.FLOAT, Shape.of(total)));
    e.opTo(LOSSES, Op.CONCAT, losses, Attribute.of("axis", 0L));
    out.output(new ValueInfo(LOSSES, DType.FLOAT, Shape.of(steps)));
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
    return Autodiff.gradientsFrom(b.build(), y.name(), seed, params);
  }
}
