package dev.graft.graph;

import dev.graft.GraftException;
import dev.graft.io.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Shape and value rules, one per operator, used by {@link ShapeInference}. */
final class OpShapes {
  private OpShapes() {}

  static void infer(Node n, ShapeInference c) {
    Op op = n.op();
    if (op.isUnaryElementwise()) {
      ValueInfo x = c.type(n, 0);
      c.set(n, 0, op == Op.NOT || op == Op.IS_NAN ? DType.BOOL : x.type(), x.shape());
      return;
    }
    if (op.isBroadcasting()) {
      broadcasting(n, c);
      return;
    }
    switch (op) {
      case SOFTMAX: case LOG_SOFTMAX: case TRILU:
        c.set(n, 0, c.type(n, 0).type(), c.shape(n, 0));
        return;
      case DROPOUT: // the optional mask has the data's shape
        c.set(n, 0, c.type(n, 0).type(), c.shape(n, 0));
        if (n.outputs().size() > 1) {
          c.set(n, 1, DType.BOOL, c.shape(n, 0));
        }
        return;
      case BATCH_NORMALIZATION: // training mode also returns the running mean and variance
        c.set(n, 0, c.type(n, 0).type(), c.shape(n, 0));
        for (int i = 1; i < n.outputs().size(); i++) {
          c.set(n, i, c.type(n, 2 + i).type(), c.shape(n, 2 + i));
        }
        return;
      case LAYER_NORMALIZATION:
        layerNorm(n, c);
        return;
      case CAST: {
        DType to = DType.fromOnnx((int) n.attrLong("to", 1));
        c.set(n, 0, to, c.shape(n, 0));
        c.setValue(n, 0, c.value(n, 0));
        return;
      }
      case CONV:
        conv(n, c);
        return;
      case CONV_TRANSPOSE:
        convTranspose(n, c);
        return;
      case MAX_POOL: case AVERAGE_POOL:
        pool(n, c);
        return;
      case GLOBAL_AVERAGE_POOL: case GLOBAL_MAX_POOL: {
        Shape x = c.shape(n, 0);
        List<Dim> d = new ArrayList<>(x.dims().subList(0, 2));
        for (int i = 2; i < x.rank(); i++) {
          d.add(Dim.of(1));
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
        return;
      }
      case GEMM: {
        Shape a = c.shape(n, 0);
        Shape b = c.shape(n, 1);
        Dim m = n.attrLong("transA", 0) == 0 ? a.dim(0) : a.dim(1);
        Dim k = n.attrLong("transB", 0) == 0 ? b.dim(1) : b.dim(0);
        c.set(n, 0, c.type(n, 0).type(), Shape.of(List.of(m, k)));
        return;
      }
      case MAT_MUL:
        c.set(n, 0, c.type(n, 0).type(), matmul(c.shape(n, 0), c.shape(n, 1)));
        return;
      case RESHAPE:
        LayoutShapes.reshape(n, c);
        return;
      case FLATTEN: {
        Shape x = c.shape(n, 0);
        long a = n.attrLong("axis", 1); // in [-rank, rank]: the output's first axis ends there
        int axis = (int) (a < 0 ? a + x.rank() : a);
        if (axis < 0 || axis > x.rank()) {
          throw new IllegalArgumentException("axis " + a + " is out of range for rank " + x.rank());
        }
        Dim left = Dim.of(1);
        Dim right = Dim.of(1);
        for (int i = 0; i < x.rank(); i++) {
          if (i < axis) {
            left = left.times(x.dim(i));
          } else {
            right = right.times(x.dim(i));
          }
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(List.of(left, right)));
        return;
      }
      case TRANSPOSE: {
        Shape x = c.shape(n, 0);
        long[] perm = perm(n, x.rank());
        List<Dim> d = new ArrayList<>();
        for (long p : perm) {
          d.add(x.dim((int) p));
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
        return;
      }
      case CONCAT:
        LayoutShapes.concat(n, c);
        return;
      case SPLIT:
        LayoutShapes.split(n, c);
        return;
      case SLICE:
        LayoutShapes.slice(n, c);
        return;
      case GATHER:
        LayoutShapes.gather(n, c);
        return;
      case GATHER_ELEMENTS: // the output has the indices' shape and the data's type
        c.set(n, 0, c.type(n, 0).type(), c.shape(n, 1));
        return;
      case GATHER_ND:
        LayoutShapes.gatherNd(n, c);
        return;
      case SHAPE: {
        Shape x = c.shape(n, 0);
        int start = (int) clampAxis(n.attrLong("start", 0), x.rank());
        int end = (int) clampAxis(n.attrLong("end", x.rank()), x.rank());
        List<Dim> v = x.dims().subList(start, Math.max(start, end));
        c.set(n, 0, DType.INT64, Shape.of(v.size()));
        c.setValue(n, 0, v);
        return;
      }
      case UNSQUEEZE: {
        Shape x = c.shape(n, 0);
        long[] axes = axesOf(n, c, 1);
        int rank = x.rank() + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
          added[axis(a, rank)] = true;
        }
        List<Dim> d = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < rank; i++) {
          d.add(added[i] ? Dim.of(1) : x.dim(j++));
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
        c.setValue(n, 0, c.value(n, 0));
        return;
      }
      case SQUEEZE: {
        Shape x = c.shape(n, 0);
        long[] axes = axesOf(n, c, 1);
        boolean[] drop = new boolean[x.rank()];
        if (axes == null || axes.length == 0) {
          for (int i = 0; i < x.rank(); i++) {
            drop[i] = x.dim(i).equals(Dim.of(1));
          }
        } else {
          for (long a : axes) {
            drop[axis(a, x.rank())] = true;
          }
        }
        List<Dim> d = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
          if (!drop[i]) {
            d.add(x.dim(i));
          }
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
        c.setValue(n, 0, c.value(n, 0));
        return;
      }
      case EXPAND: {
        List<Dim> target = c.requireValue(n, 1, "target shape");
        c.set(n, 0, c.type(n, 0).type(), broadcast(n, List.of(c.shape(n, 0), Shape.of(target))));
        return;
      }
      case DEPTH_TO_SPACE: case SPACE_TO_DEPTH: {
        Shape x = c.shape(n, 0);
        long b = n.attrLong("blocksize", 1);
        if (x.rank() != 4 || b < 1) {
          throw GraftException.badInput("node %s: %s needs a rank-4 input and a blocksize >= 1",
              n.name(), op.onnxName());
        }
        boolean up = op == Op.DEPTH_TO_SPACE;
        Dim one = Dim.of(b);
        Dim sq = Dim.of(b * b);
        c.set(n, 0, c.type(n, 0).type(), Shape.of(List.of(x.dim(0),
            up ? x.dim(1).dividedBy(sq) : x.dim(1).times(sq),
            up ? x.dim(2).times(one) : x.dim(2).dividedBy(one),
            up ? x.dim(3).times(one) : x.dim(3).dividedBy(one))));
        return;
      }
      case TILE: {
        Shape x = c.shape(n, 0);
        List<Dim> reps = c.requireValue(n, 1, "repeats");
        List<Dim> d = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
          d.add(x.dim(i).times(reps.get(i)));
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
        return;
      }
      case PAD:
        LayoutShapes.pad(n, c);
        return;
      case RESIZE:
        LayoutShapes.resize(n, c);
        return;
      case CONSTANT: {
        TensorData t = Constants.valueOf(n);
        c.rememberConstant(t);
        return;
      }
      case CONSTANT_OF_SHAPE: {
        List<Dim> target = c.requireValue(n, 0, "shape");
        DType t = n.attribute("value").map(a -> a.asTensor().type()).orElse(DType.FLOAT);
        c.set(n, 0, t, Shape.of(target));
        if ((t == DType.INT64 || t == DType.INT32) && target.size() == 1
            && target.get(0).isKnown() && target.get(0).value() <= 64) {
          long fill = n.attribute("value").map(a -> a.asTensor().longs()[0]).orElse(0L);
          c.setValue(n, 0, Collections.nCopies((int) target.get(0).value(), Dim.of(fill)));
        }
        return;
      }
      case RANGE: {
        List<Dim> s = c.value(n, 0);
        List<Dim> l = c.value(n, 1);
        List<Dim> d = c.value(n, 2);
        Dim len = Dim.unknown();
        if (s != null && l != null && d != null && s.get(0).isKnown() && l.get(0).isKnown()
            && d.get(0).isKnown()) {
          long step = d.get(0).value();
          len = Dim.of(Math.max(0, ceilDiv(l.get(0).value() - s.get(0).value(), step)));
        } else if (c.type(n, 0).type().isFloating()) {
          TensorData fs = c.constant(n, 0);
          TensorData fl = c.constant(n, 1);
          TensorData fd = c.constant(n, 2);
          if (fs != null && fl != null && fd != null) {
            double count = Math.ceil((fl.doubles()[0] - fs.doubles()[0]) / fd.doubles()[0]);
            len = Dim.of(Math.max(0, (long) count));
          }
        }
        c.set(n, 0, c.type(n, 0).type(), Shape.of(List.of(len)));
        return;
      }
      case REDUCE_MEAN: case REDUCE_SUM: case REDUCE_MAX:
        reduce(n, c);
        return;
      case ARG_MAX: {
        Shape x = c.shape(n, 0);
        int axis = axis(n.attrLong("axis", 0), x.rank());
        boolean keep = n.attrLong("keepdims", 1) != 0;
        List<Dim> d = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
          if (i != axis) {
            d.add(x.dim(i));
          } else if (keep) {
            d.add(Dim.of(1));
          }
        }
        c.set(n, 0, DType.INT64, Shape.of(d));
        return;
      }
      case QUANTIZE_LINEAR: {
        DType t = c.has(n, 2) ? c.type(n, 2).type() : DType.UINT8;
        c.set(n, 0, t, c.shape(n, 0));
        return;
      }
      case DEQUANTIZE_LINEAR:
        c.set(n, 0, c.type(n, 1).type(), c.shape(n, 0));
        return;
      default:
        throw GraftException.badInput(
            "node %s: no shape rule for operator %s", n.name(), op.onnxName());
    }
  }

  // --- rules ---

  private static void broadcasting(Node n, ShapeInference c) {
    List<Shape> shapes = new ArrayList<>();
    for (int i = 0; i < n.inputs().size(); i++) {
      shapes.add(c.shape(n, i));
    }
    DType t;
    switch (n.op()) {
      case EQUAL: case LESS: case GREATER: case AND:
        t = DType.BOOL;
        break;
      case WHERE:
        t = c.type(n, 1).type();
        break;
      default:
        t = c.type(n, 0).type();
    }
    Shape out = broadcast(n, shapes);
    c.set(n, 0, t, out);
    if (n.op() == Op.WHERE && out.rank() <= 1) {
      c.setValue(n, 0, ShapeValues.where(c.value(n, 0), c.value(n, 1), c.value(n, 2)));
    } else if (n.inputs().size() == 2 && out.rank() <= 1) {
      List<Dim> a = c.value(n, 0);
      List<Dim> b = c.value(n, 1);
      if (a != null && b != null) {
        c.setValue(n, 0, arithmetic(n.op(), a, b));
      }
    }
  }

  private static List<Dim> arithmetic(Op op, List<Dim> a, List<Dim> b) {
    int len = Math.max(a.size(), b.size());
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < len; i++) {
      Dim x = a.get(a.size() == 1 ? 0 : i);
      Dim y = b.get(b.size() == 1 ? 0 : i);
      switch (op) {
        case ADD:
          out.add(x.plus(y));
          break;
        case SUB:
          out.add(y.isKnown() ? x.plus(Dim.of(-y.value())) : Dim.unknown());
          break;
        case MUL:
          out.add(x.times(y));
          break;
        case DIV: // integer tensors: division truncates, as ONNX's Div does on integers
          out.add(x.isKnown() && y.isKnown() && y.value() != 0 ? Dim.of(x.value() / y.value())
              : x.dividedBy(y));
          break;
        case EQUAL:
          out.add(ShapeValues.equal(x, y));
          break;
        default:
          return null;
      }
    }
    return out;
  }

  static Shape broadcast(Node n, List<Shape> shapes) {
    int rank = 0;
    for (Shape s : shapes) {
      rank = Math.max(rank, s.rank());
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      Dim d = Dim.of(1);
      for (Shape s : shapes) {
        int j = i - (rank - s.rank());
        if (j < 0) {
          continue;
        }
        Dim e = s.dim(j);
        if (d.equals(Dim.of(1))) {
          d = e;
        } else if (!e.equals(Dim.of(1)) && !e.equals(d)) {
          if (d.isKnown() && e.isKnown()) {
            throw GraftException.badInput(
                "node %s (%s): shapes %s do not broadcast", n.name(), n.op().onnxName(), shapes);
          }
          d = d.isKnown() ? d : e; // a symbolic axis meets a known one: the known one wins
        }
      }
      out.add(d);
    }
    return Shape.of(out);
  }

  private static void layerNorm(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    c.set(n, 0, c.type(n, 0).type(), x);
    int axis = axis(n.attrLong("axis", -1), x.rank());
    List<Dim> stat = new ArrayList<>(x.dims());
    for (int i = axis; i < x.rank(); i++) {
      stat.set(i, Dim.of(1));
    }
    for (int o = 1; o < n.outputs().size(); o++) {
      c.set(n, o, DType.FLOAT, Shape.of(stat));
    }
  }

  private static void conv(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    Shape w = c.shape(n, 1);
    int spatial = x.rank() - 2;
    long[] k = n.attrLongs("kernel_shape");
    if (k == null) {
      k = new long[spatial];
      for (int i = 0; i < spatial; i++) {
        k[i] = w.dim(i + 2).value();
      }
    }
    List<Dim> d = new ArrayList<>();
    d.add(x.dim(0));
    d.add(w.dim(0));
    d.addAll(window(n, x, k, false));
    c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
  }

  private static void convTranspose(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    Shape w = c.shape(n, 1);
    int spatial = x.rank() - 2;
    List<Dim> d = new ArrayList<>();
    d.add(x.dim(0));
    d.add(w.dim(1).times(Dim.of(n.attrLong("group", 1))));
    long[] given = n.attrLongs("output_shape");
    long[] strides = orOnes(n.attrLongs("strides"), spatial);
    long[] dil = orOnes(n.attrLongs("dilations"), spatial);
    long[] outPad = n.attrLongs("output_padding");
    long[] pads = n.attrLongs("pads");
    for (int i = 0; i < spatial; i++) {
      if (given != null) {
        d.add(Dim.of(given[given.length - spatial + i]));
        continue;
      }
      Dim in = x.dim(i + 2);
      if (!in.isKnown()) {
        d.add(Dim.unknown());
        continue;
      }
      if (n.attrString("auto_pad", "NOTSET").startsWith("SAME")) {
        d.add(Dim.of(in.value() * strides[i])); // the pads are chosen to make it so
        continue;
      }
      long k = w.dim(i + 2).value();
      long o = (in.value() - 1) * strides[i] + (k - 1) * dil[i] + 1
          + (outPad == null ? 0 : outPad[i])
          - (pads == null ? 0 : pads[i] + pads[i + spatial]);
      d.add(Dim.of(o));
    }
    c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
  }

  private static void pool(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    long[] k = n.attrLongs("kernel_shape");
    List<Dim> d = new ArrayList<>(x.dims().subList(0, 2));
    d.addAll(window(n, x, k, n.attrLong("ceil_mode", 0) != 0));
    c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
    if (n.outputs().size() > 1) {
      c.set(n, 1, DType.INT64, Shape.of(d));
    }
  }

  /** Output spatial sizes of a sliding window (conv or pool). */
  static List<Dim> window(Node n, Shape x, long[] kernel, boolean ceil) {
    int spatial = x.rank() - 2;
    long[] strides = orOnes(n.attrLongs("strides"), spatial);
    long[] dil = orOnes(n.attrLongs("dilations"), spatial);
    long[] pads = n.attrLongs("pads");
    if (pads == null) {
      pads = new long[2 * spatial];
    }
    String autoPad = n.attrString("auto_pad", "NOTSET");
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < spatial; i++) {
      Dim in = x.dim(i + 2);
      if (!in.isKnown()) {
        out.add(Dim.unknown());
        continue;
      }
      long size = in.value();
      long eff = dil[i] * (kernel[i] - 1) + 1;
      long o;
      if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
        o = ceilDiv(size, strides[i]);
      } else if (autoPad.equals("VALID")) {
        o = (size - eff) / strides[i] + 1;
      } else {
        long span = size + pads[i] + pads[i + spatial] - eff;
        o = (ceil ? ceilDiv(span, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
        if (ceil && (o - 1) * strides[i] >= size + pads[i]) {
          o--; // the last window must start inside the input or its leading padding
        }
      }
      out.add(Dim.of(o));
    }
    return out;
  }

  static Shape matmul(Shape a, Shape b) {
    List<Dim> ad = new ArrayList<>(a.dims());
    List<Dim> bd = new ArrayList<>(b.dims());
    boolean aVec = ad.size() == 1;
    boolean bVec = bd.size() == 1;
    if (aVec) {
      ad.add(0, Dim.of(1));
    }
    if (bVec) {
      bd.add(Dim.of(1));
    }
    Shape batchA = Shape.of(ad.subList(0, ad.size() - 2));
    Shape batchB = Shape.of(bd.subList(0, bd.size() - 2));
    List<Dim> out =
        new ArrayList<>(broadcast(Node.of("matmul", Op.MAT_MUL, List.of(), List.of("y")),
            List.of(batchA, batchB)).dims());
    if (!aVec) {
      out.add(ad.get(ad.size() - 2));
    }
    if (!bVec) {
      out.add(bd.get(bd.size() - 1));
    }
    return Shape.of(out);
  }

  private static void reduce(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    long[] axes = n.attrLongs("axes");
    if (axes == null && c.has(n, 1)) {
      axes = known(c.requireValue(n, 1, "axes"));
    }
    boolean keep = n.attrLong("keepdims", 1) != 0;
    if ((axes == null || axes.length == 0) && n.attrLong("noop_with_empty_axes", 0) != 0) {
      c.set(n, 0, c.type(n, 0).type(), x);
      return;
    }
    boolean[] reduced = new boolean[x.rank()];
    if (axes == null || axes.length == 0) {
      Arrays.fill(reduced, true);
    } else {
      for (long a : axes) {
        reduced[axis(a, x.rank())] = true;
      }
    }
    List<Dim> d = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!reduced[i]) {
        d.add(x.dim(i));
      } else if (keep) {
        d.add(Dim.of(1));
      }
    }
    c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
  }

  // --- helpers ---

  private static long[] axesOf(Node n, ShapeInference c, int input) {
    long[] axes = n.attrLongs("axes");
    if (axes == null && c.has(n, input)) {
      axes = known(c.requireValue(n, input, "axes"));
    }
    return axes;
  }

  static long[] perm(Node n, int rank) {
    long[] perm = n.attrLongs("perm");
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    return perm;
  }

  static long[] known(List<Dim> v) {
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).value();
    }
    return out;
  }

  private static long[] orOnes(long[] v, int n) {
    if (v != null) {
      return v;
    }
    long[] ones = new long[n];
    Arrays.fill(ones, 1);
    return ones;
  }

  static int axis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= Math.max(rank, 1)) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
    }
    return (int) a;
  }

  private static long clampAxis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return Math.max(0, Math.min(rank, a));
  }

  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
