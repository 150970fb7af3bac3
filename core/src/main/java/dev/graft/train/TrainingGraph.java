package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.DType;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.simplify.ConstantFolding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the plain ONNX model that runs {@code steps} AdamW steps of MSE regression at once.
 *
 * <p>Inputs: each parameter {@code p} with its moments {@code m/p} and {@code v/p}; every student
 * input and the target, stacked as {@code steps × batch} rows; and {@code hyper} [steps, 3] holding
 * {@link AdamW#stepScalars} per step. Outputs: {@code new/p}, {@code new/m/p}, {@code new/v/p}
 * and {@code losses} [steps]. The student graph reads its inputs (first axis the batch), writes one
 * output, and holds its parameters as float initializers.
 */
public final class TrainingGraph {
  /** Name of the stacked-target input. */
  public static final String TARGET = "target";
  public static final String HYPER = "hyper";
  public static final String LOSSES = "losses";

  private TrainingGraph() {}

  public static Graph build(Graph student, List<String> params, int batch, int steps,
      AdamW opt) {
    Graph perStep = stepGraph(student, params, batch);
    Graph.Builder out = Graph.builder().name("graft-train").opset(student.opset());
    GraphEmitter e = new GraphEmitter(out, "opt/", DType.FLOAT);
    Set<String> stepInputs = new java.util.HashSet<>(student.inputNames());
    stepInputs.add(TARGET);
    for (String p : params) {
      long[] dims = student.initializer(p).orElseThrow().dims();
      for (String n : List.of(p, "m/" + p, "v/" + p)) {
        out.input(new ValueInfo(n, DType.FLOAT, Shape.of(dims)));
      }
    }
    for (ValueInfo v : perStep.inputs()) {
      if (stepInputs.contains(v.name())) {
        out.input(v.withShape(v.shape().withDim(0, Dim.of((long) batch * steps))));
      }
    }
    out.input(new ValueInfo(HYPER, DType.FLOAT, Shape.of(steps, 3)));
    for (TensorData t : perStep.initializers().values()) {
      out.initializer(t);
    }
    Map<String, String> current = new HashMap<>();
    for (String p : params) {
      current.put(p, p);
      current.put("m/" + p, "m/" + p);
      current.put("v/" + p, "v/" + p);
    }
    String b1 = e.scalar(opt.beta1());
    String b1c = e.scalar(1 - opt.beta1());
    String b2 = e.scalar(opt.beta2());
    String b2c = e.scalar(1 - opt.beta2());
    String eps = e.scalar(opt.eps());
    List<String> losses = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      String prefix = "s" + k + "/";
      Map<String, String> rename = new HashMap<>();
      for (String in : stepInputs) {
        rename.put(in, e.op(Op.SLICE, List.of(in, e.longs((long) k * batch),
            e.longs((long) (k + 1) * batch), e.longs(0))));
      }
      for (String p : params) {
        rename.put(p, current.get(p));
      }
      for (Node n : perStep.nodes()) {
        out.node(new Node(prefix + n.name(), n.op(), rename(n.inputs(), rename, prefix, perStep),
            rename(n.outputs(), rename, prefix, perStep), List.copyOf(n.attributes().values())));
      }
      String h = e.op(Op.GATHER, List.of(HYPER, e.longScalar(k)), Attribute.of("axis", 0L));
      String stepSize = e.op(Op.SLICE, List.of(h, e.longs(0), e.longs(1)));
      String c2 = e.op(Op.SLICE, List.of(h, e.longs(1), e.longs(2)));
      String decay = e.op(Op.SLICE, List.of(h, e.longs(2), e.longs(3)));
      for (String p : params) {
        String g = prefix + Autodiff.gradName(p);
        String m = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(current.get("m/" + p), b1)),
            e.op(Op.MUL, List.of(g, b1c))));
        String v = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(current.get("v/" + p), b2)),
            e.op(Op.MUL, List.of(e.op(Op.MUL, List.of(g, g)), b2c))));
        String denom = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(e.op(Op.SQRT, List.of(v)), c2)),
            eps));
        String upd = e.op(Op.MUL, List.of(e.op(Op.DIV, List.of(m, denom)), stepSize));
        String w = current.get(p);
        if (student.initializer(p).orElseThrow().rank() >= 2 && opt.weightDecay() != 0) {
          w = e.op(Op.MUL, List.of(w, decay));
        }
        current.put(p, e.op(Op.SUB, List.of(w, upd)));
        current.put("m/" + p, m);
        current.put("v/" + p, v);
      }
      losses.add(e.op(Op.RESHAPE, List.of(prefix + "loss", e.longs(1))));
    }
    for (String p : params) {
      long[] dims = student.initializer(p).orElseThrow().dims();
      for (String n : List.of(p, "m/" + p, "v/" + p)) {
        String name = "new/" + n;
        e.opTo(name, Op.IDENTITY, List.of(current.get(n)));
        out.output(new ValueInfo(name, DType.FLOAT, Shape.of(dims)));
      }
    }
    e.opTo(LOSSES, Op.CONCAT, losses, Attribute.of("axis", 0L));
    out.output(new ValueInfo(LOSSES, DType.FLOAT, Shape.of(steps)));
    return out.build();
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
    String d = e.op(Op.SUB, List.of(y.name(), TARGET));
    e.opTo("loss", Op.REDUCE_MEAN, List.of(e.op(Op.MUL, List.of(d, d))),
        Attribute.of("keepdims", 0L));
    b.outputs(List.of(new ValueInfo("loss", DType.FLOAT, Shape.scalar())));
    return Autodiff.gradients(b.build(), "loss", params);
  }
}
