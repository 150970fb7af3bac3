package dev.graft.graph;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;

/**
 * Shape rules of the layout operators, which move or select elements without computing on them:
 * Reshape, Concat, Split, Slice, Gather, GatherND, Pad and Resize. They also carry evaluated integer values
 * through, so shape arithmetic resolves. Used by {@link OpShapes}.
 */
final class LayoutShapes {
  private LayoutShapes() {}

  static void reshape(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    List<Dim> target = c.requireValue(n, 1, "target shape");
    boolean allowZero = n.attrLong("allowzero", 0) != 0;
    List<Dim> out = new ArrayList<>();
    int inferred = -1;
    Dim known = Dim.of(1);
    for (int i = 0; i < target.size(); i++) {
      Dim t = target.get(i);
      if (t.isKnown() && t.value() == 0 && !allowZero) {
        t = x.dim(i);
      } else if (t.isKnown() && t.value() == -1) {
        inferred = i;
        out.add(null);
        continue;
      }
      out.add(t);
      known = known.times(t);
    }
    if (inferred >= 0) {
      out.set(inferred, x.elementCount().dividedBy(known));
    }
    c.set(n, 0, c.type(n, 0).type(), Shape.of(out));
    c.setValue(n, 0, c.value(n, 0));
  }

  static void concat(Node n, ShapeInference c) {
    Shape first = c.shape(n, 0);
    int axis = OpShapes.axis(n.attrLong("axis", 0), first.rank());
    Dim sum = Dim.of(0);
    List<Dim> value = new ArrayList<>();
    for (int i = 0; i < n.inputs().size(); i++) {
      sum = sum.plus(c.shape(n, i).dim(axis));
      List<Dim> v = c.value(n, i);
      if (value != null && v != null) {
        value.addAll(v);
      } else {
        value = null;
      }
    }
    c.set(n, 0, c.type(n, 0).type(), first.withDim(axis, sum));
    if (first.rank() <= 1) {
      c.setValue(n, 0, value);
    }
  }

  static void split(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    int axis = OpShapes.axis(n.attrLong("axis", 0), x.rank());
    int parts = n.outputs().size();
    long[] sizes = n.attrLongs("split");
    if (sizes == null && c.has(n, 1)) {
      sizes = c.requireValue(n, 1, "split sizes").stream().mapToLong(Dim::value).toArray();
    }
    Dim total = x.dim(axis);
    for (int i = 0; i < parts; i++) {
      Dim d;
      if (sizes != null) {
        d = Dim.of(sizes[i]);
      } else if (total.isKnown()) {
        long chunk = OpShapes.ceilDiv(total.value(), parts);
        d = Dim.of(Math.min(chunk, total.value() - chunk * i));
      } else {
        d = total.dividedBy(Dim.of(parts));
      }
      c.set(n, i, c.type(n, 0).type(), x.withDim(axis, d));
    }
  }

  static void slice(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (n.attribute("starts").isPresent()) {
      starts = n.attrLongs("starts");
      ends = n.attrLongs("ends");
      axes = n.attrLongs("axes");
    } else {
      starts = OpShapes.known(c.requireValue(n, 1, "starts"));
      ends = OpShapes.known(c.requireValue(n, 2, "ends"));
      axes = c.has(n, 3) ? OpShapes.known(c.requireValue(n, 3, "axes")) : null;
      steps = c.has(n, 4) ? OpShapes.known(c.requireValue(n, 4, "steps")) : null;
    }
    List<Dim> out = new ArrayList<>(x.dims());
    List<Dim> value = c.value(n, 0);
    List<Dim> slicedValue = null;
    for (int i = 0; i < starts.length; i++) {
      int axis = axes == null ? i : OpShapes.axis(axes[i], x.rank());
      long step = steps == null ? 1 : steps[i];
      Dim d = x.dim(axis);
      if (!d.isKnown()) {
        boolean whole = starts[i] == 0 && ends[i] >= Integer.MAX_VALUE && step == 1;
        out.set(axis, whole ? d : Dim.unknown());
        continue;
      }
      long[] r = SliceRange.resolve(starts[i], ends[i], step, d.value());
      out.set(axis, Dim.of(r[2]));
      if (value != null && x.rank() == 1) {
        slicedValue = new ArrayList<>();
        for (long k = 0, j = r[0]; k < r[2]; k++, j += step) {
          slicedValue.add(value.get((int) j));
        }
      }
    }
    c.set(n, 0, c.type(n, 0).type(), Shape.of(out));
    c.setValue(n, 0, slicedValue);
  }

  static void gather(Node n, ShapeInference c) {
    Shape data = c.shape(n, 0);
    Shape idx = c.shape(n, 1);
    int axis = OpShapes.axis(n.attrLong("axis", 0), data.rank());
    List<Dim> d = new ArrayList<>(data.dims().subList(0, axis));
    d.addAll(idx.dims());
    d.addAll(data.dims().subList(axis + 1, data.rank()));
    c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
    List<Dim> value = c.value(n, 0);
    List<Dim> indices = c.value(n, 1);
    if (value != null && indices != null && data.rank() == 1) {
      List<Dim> v = new ArrayList<>();
      for (Dim i : indices) {
        long k = i.value();
        v.add(value.get((int) (k < 0 ? k + value.size() : k)));
      }
      c.setValue(n, 0, v);
    }
  }

  /**
   * GatherND: each row of the indices' last axis (length k) addresses the data after its first
   * {@code batch_dims} axes, so the output is the indices' shape without its last axis followed by
   * the data's axes after {@code batch_dims + k}.
   */
  static void gatherNd(Node n, ShapeInference c) {
    Shape data = c.shape(n, 0);
    Shape idx = c.shape(n, 1);
    long b = n.attrLong("batch_dims", 0);
    Dim k = idx.rank() == 0 ? Dim.unknown() : idx.dim(idx.rank() - 1);
    if (!k.isKnown() || b < 0 || b + k.value() > data.rank() || b >= idx.rank()) {
      throw GraftException.badInput("node %s (GatherND): indices %s with batch_dims %d do not"
          + " address data %s", n.name(), idx, b, data);
    }
    List<Dim> d = new ArrayList<>(idx.dims().subList(0, idx.rank() - 1));
    d.addAll(data.dims().subList((int) (b + k.value()), data.rank()));
    c.set(n, 0, c.type(n, 0).type(), Shape.of(d));
  }

  static void pad(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    long[] pads = n.attrLongs("pads");
    if (pads == null) {
      pads = OpShapes.known(c.requireValue(n, 1, "pads"));
    }
    long[] axes = c.has(n, 3) ? OpShapes.known(c.requireValue(n, 3, "axes")) : null;
    List<Dim> out = new ArrayList<>(x.dims());
    int count = axes == null ? x.rank() : axes.length;
    for (int i = 0; i < count; i++) {
      int axis = axes == null ? i : OpShapes.axis(axes[i], x.rank());
      out.set(axis, x.dim(axis).plus(Dim.of(pads[i] + pads[i + count])));
    }
    c.set(n, 0, c.type(n, 0).type(), Shape.of(out));
  }

  static void resize(Node n, ShapeInference c) {
    Shape x = c.shape(n, 0);
    List<Dim> out = new ArrayList<>();
    TensorData scales = c.has(n, 2) ? c.constant(n, 2) : null;
    if (n.inputs().size() == 2) {
      scales = c.constant(n, 1); // opset 10: (X, scales)
    }
    if (c.has(n, 3)) {
      out.addAll(c.requireValue(n, 3, "sizes"));
    } else if (scales != null && scales.elementCount() > 0) {
      float[] s = scales.floats();
      for (int i = 0; i < x.rank(); i++) {
        Dim d = x.dim(i);
        out.add(s[i] == 1f ? d : d.isKnown() ? Dim.of((long) Math.floor(d.value() * s[i]))
            : Dim.unknown());
      }
    } else {
      throw GraftException.badInput(
          "node %s (Resize): scales or sizes must be constant", n.name());
    }
    c.set(n, 0, c.type(n, 0).type(), Shape.of(out));
  }
}
