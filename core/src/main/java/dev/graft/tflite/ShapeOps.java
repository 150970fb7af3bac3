package dev.graft.tflite;

import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.SliceRange;
import dev.graft.graph.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.GatherOptionsT;
import org.tensorflow.lite.schema.SplitVOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;
import org.tensorflow.lite.schema.TileOptionsT;

/** Lowers reshapes, transposes, concatenation, splitting, slicing and gathering. */
final class ShapeOps {
  private final Lowering l;

  ShapeOps(Lowering l) {
    this.l = l;
  }

  void lower(Node n) {
    switch (n.op()) {
      case RESHAPE:
      case FLATTEN:
      case SQUEEZE:
      case UNSQUEEZE:
        reshape(n);
        return;
      case TRANSPOSE:
        transpose(n);
        return;
      case CONCAT:
        concat(n);
        return;
      case SPLIT:
        split(n);
        return;
      case SLICE:
        slice(n);
        return;
      case GATHER:
        gather(n);
        return;
      case EXPAND:
        expand(n);
        return;
      case TILE:
        tile(n);
        return;
      case SHAPE:
        throw Ops.unsupported(n, "of a tensor whose shape is not static");
      default:
        throw Ops.unsupported(n, "");
    }
  }

  private void reshape(Node n) {
    String x = n.input(0);
    String out = n.output(0);
    long[] xd = l.dims(x);
    long[] od = l.dims(out);
    int[] p = l.layoutOf(x);
    int[] shape = Layout.apply(Layout.identity(od.length), od);
    if (Layout.sameOrder(p, xd)) {
      int t = l.define(out, Layout.identity(od.length));
      l.reshape(l.tensor(x), t, shape);
      return;
    }
    if (flattensIntoLinear(n, xd, od, p)) {
      int[] rest = new int[p.length - 1];
      long[] restDims = new long[p.length - 1];
      for (int j = 1; j < p.length; j++) {
        rest[j - 1] = p[j] - 1;
        restDims[j - 1] = xd[j];
      }
      int t = l.define(out, Layout.identity(2));
      l.reshape(l.tensor(x), t, shape);
      l.flatOrders.put(out, Layout.flatOrder(rest, restDims));
      return;
    }
    ReshapePlan plan = ReshapePlan.of(xd, p, od);
    if (plan != null) {
      // reshaped where the axes lie in memory: an NHWC tensor stays NHWC
      int src = l.ensure(x, plan.input());
      int t = l.define(out, plan.output());
      l.reshape(src, t, Layout.apply(plan.output(), od));
      return;
    }
    int src = l.ensure(x, Layout.identity(xd.length));
    int t = l.define(out, Layout.identity(od.length));
    l.reshape(src, t, shape);
  }

  /**
   * True when a permuted tensor is flattened to [N, features] and read only by linear layers
   * with constant weights, whose columns can be permuted instead of the activations.
   */
  private boolean flattensIntoLinear(Node n, long[] xd, long[] od, int[] p) {
    String out = n.output(0);
    if (od.length != 2 || p[0] != 0 || od[0] != xd[0] || l.g.outputNames().contains(out)) {
      return false;
    }
    List<Node> consumers = l.g.consumers(out);
    if (consumers.isEmpty()) {
      return false;
    }
    for (Node c : consumers) {
      boolean linear = (c.op() == Op.MAT_MUL || c.op() == Op.GEMM) && c.input(0).equals(out)
          && !c.input(1).equals(out) && l.constant(c.input(1)).map(t -> t.rank() == 2).orElse(false)
          && c.attrLong("transA", 0) == 0;
      if (!linear) {
        return false;
      }
    }
    return true;
  }

  private void transpose(Node n) {
    String x = n.input(0);
    int rank = l.dims(x).length;
    long[] q = n.attrLongs("perm");
    int[] qi = new int[rank];
    for (int i = 0; i < rank; i++) {
      qi[i] = q == null ? rank - 1 - i : (int) q[i];
    }
    int[] inv = Layout.inverse(qi);
    int[] p = l.layoutOf(x);
    int[] out = new int[rank];
    for (int j = 0; j < rank; j++) {
      out[j] = inv[p[j]];
    }
    l.bind(n.output(0), l.tensor(x), out);
  }

  private int[] commonLayout(List<String> inputs, int rank) {
    for (String in : inputs) {
      if (l.has(in)) {
        return l.layoutOf(in);
      }
    }
    return Layout.identity(rank);
  }

  private void concat(Node n) {
    int rank = l.dims(n.output(0)).length;
    int[] p = commonLayout(n.inputs(), rank);
    int[] ins = new int[n.inputs().size()];
    for (int i = 0; i < ins.length; i++) {
      ins[i] = l.ensure(n.input(i), p);
    }
    long axis = n.attrLong("axis", 0);
    int ax = (int) (axis < 0 ? axis + rank : axis);
    ConcatenationOptionsT o = new ConcatenationOptionsT();
    o.setAxis(Layout.physicalAxis(p, ax));
    int out = l.define(n.output(0), p);
    l.fm.op(BuiltinOperator.CONCATENATION, ins, new int[] {out},
        BuiltinOptions.ConcatenationOptions, o);
  }

  private void split(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    int rank = xd.length;
    long axis = n.attrLong("axis", 0);
    int ax = (int) (axis < 0 ? axis + rank : axis);
    int[] sizes = new int[n.outputs().size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = (int) l.dims(n.output(i))[ax];
    }
    int[] p = l.layoutOf(x);
    if (rank != 4 && !Layout.isIdentity(p) && sizes.length > 1) {
      // a permuted tensor that is not an NHWC image (the query/key/value of attention after
      // their joint head-split Transpose): one TRANSPOSE of the whole here, where each part
      // would need its own to reach ONNX's order for the matrix products after it
      p = Layout.identity(rank);
    }
    int in = l.ensure(x, p);
    int[] outs = new int[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      outs[i] = l.define(n.output(i), p);
    }
    SplitVOptionsT o = new SplitVOptionsT();
    o.setNumSplits(sizes.length);
    int st = l.fm.intVector(n.name() + "_sizes", sizes);
    int at = l.fm.constInts(n.name() + "_axis", new int[0],
        new int[] {Layout.physicalAxis(p, ax)});
    l.fm.op(BuiltinOperator.SPLIT_V, new int[] {in, st, at}, outs,
        BuiltinOptions.SplitVOptions, o);
  }

  private long[] longsOf(Node n, int input, String what) {
    return l.constant(n.input(input)).orElseThrow(
        () -> Ops.unsupported(n, "with " + what + " computed at run time")).longs();
  }

  private void slice(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    int rank = xd.length;
    if (rank > 5) {
      throw Ops.unsupported(n, "of rank " + rank + " (TFLite's STRIDED_SLICE takes at most 5)");
    }
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (n.attribute("starts").isPresent()) {
      starts = n.attrLongs("starts");
      ends = n.attrLongs("ends");
      axes = n.attrLongs("axes");
    } else {
      starts = longsOf(n, 1, "starts");
      ends = longsOf(n, 2, "ends");
      axes = n.input(3).isEmpty() ? null : longsOf(n, 3, "axes");
      steps = n.input(4).isEmpty() ? null : longsOf(n, 4, "steps");
    }
    int[] begin = new int[rank];
    int[] end = new int[rank];
    int[] stride = new int[rank];
    int endMask = 0;
    for (int a = 0; a < rank; a++) {
      end[a] = (int) xd[a];
      stride[a] = 1;
    }
    for (int i = 0; i < starts.length; i++) {
      int a = (int) (axes == null ? i : (axes[i] < 0 ? axes[i] + rank : axes[i]));
      long step = steps == null ? 1 : steps[i];
      long[] r = SliceRange.resolve(starts[i], ends[i], step, xd[a]);
      begin[a] = (int) r[0];
      stride[a] = (int) step;
      end[a] = (int) (r[0] + r[2] * step);
    }
    int[] p = l.layoutOf(x);
    int[] pb = new int[rank];
    int[] pe = new int[rank];
    int[] ps = new int[rank];
    for (int j = 0; j < rank; j++) {
      pb[j] = begin[p[j]];
      pe[j] = end[p[j]];
      ps[j] = stride[p[j]];
      if (pe[j] < 0) {
        endMask |= 1 << j;
      }
    }
    StridedSliceOptionsT o = new StridedSliceOptionsT();
    o.setEndMask(endMask);
    int out = l.define(n.output(0), p);
    l.fm.op(BuiltinOperator.STRIDED_SLICE, new int[] {l.tensor(x),
        l.fm.intVector(n.name() + "_begin", pb), l.fm.intVector(n.name() + "_end", pe),
        l.fm.intVector(n.name() + "_strides", ps)}, new int[] {out},
        BuiltinOptions.StridedSliceOptions, o);
  }

  private void gather(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    int rank = xd.length;
    long axis = n.attrLong("axis", 0);
    int ax = (int) (axis < 0 ? axis + rank : axis);
    Optional<TensorData> idx = l.constant(n.input(1));
    int indices;
    int idxRank;
    if (idx.isPresent()) {
      long[] v = idx.get().longs();
      int[] iv = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        iv[i] = (int) (v[i] < 0 ? v[i] + xd[ax] : v[i]);
      }
      int[] shape = Layout.apply(Layout.identity(idx.get().rank()), idx.get().dims());
      indices = l.fm.constInts(n.name() + "_indices", shape, iv);
      idxRank = shape.length;
    } else {
      idxRank = l.dims(n.input(1)).length;
      indices = l.ensure(n.input(1), Layout.identity(idxRank));
    }
    int[] p = l.layoutOf(x);
    int[] outLayout;
    if (idxRank == 1) {
      outLayout = p;
    } else if (idxRank == 0) {
      boolean[] dropped = new boolean[rank];
      dropped[ax] = true;
      outLayout = Layout.drop(p, dropped);
    } else {
      p = Layout.identity(rank);
      outLayout = Layout.identity(rank - 1 + idxRank);
    }
    int in = l.ensure(x, p);
    GatherOptionsT o = new GatherOptionsT();
    o.setAxis(Layout.physicalAxis(p, ax));
    int out = l.define(n.output(0), outLayout);
    l.fm.op(BuiltinOperator.GATHER, new int[] {in, indices}, new int[] {out},
        BuiltinOptions.GatherOptions, o);
  }

  private void expand(Node n) {
    String x = n.input(0);
    long[] od = l.dims(n.output(0));
    int[] id = Layout.identity(od.length);
    int in = l.ensure(x, Layout.identity(l.dims(x).length));
    int shape = l.fm.intVector(n.name() + "_shape", Layout.apply(id, od));
    int out = l.define(n.output(0), id);
    l.fm.op(BuiltinOperator.BROADCAST_TO, new int[] {in, shape}, new int[] {out});
  }

  private void tile(Node n) {
    String x = n.input(0);
    long[] reps = longsOf(n, 1, "repeats");
    int[] p = l.layoutOf(x);
    int[] phys = new int[reps.length];
    for (int j = 0; j < reps.length; j++) {
      phys[j] = (int) reps[p[j]];
    }
    int out = l.define(n.output(0), p);
    l.fm.op(BuiltinOperator.TILE, new int[] {l.tensor(x), l.fm.intVector(n.name() + "_reps",
        phys)}, new int[] {out}, BuiltinOptions.TileOptions, new TileOptionsT());
  }

  static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }
}
