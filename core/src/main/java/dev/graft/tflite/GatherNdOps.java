package dev.graft.tflite;

import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import java.util.Optional;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.GatherOptionsT;

/**
 * Lowers GatherND and GatherElements, which TFLite has only in part (GATHER_ND without batch
 * axes, no GatherElements). With constant indices, each output element's source is known when
 * converting: a gather that reads the data in order (the mask reshapes of Hugging Face exports)
 * becomes a RESHAPE, any other one GATHER on the flattened data with constant flat indices, in
 * the data's physical order so that no TRANSPOSE is needed. With indices computed at run time,
 * GatherND becomes GATHER_ND and GatherElements GATHER_ND on coordinates built from the indices
 * and constant position grids (FLOOR_MOD maps ONNX's negative indices into range).
 */
final class GatherNdOps {
  private final Lowering l;

  GatherNdOps(Lowering l) {
    this.l = l;
  }

  void lower(Node n) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    Optional<TensorData> idx = l.constant(n.input(1));
    if (idx.isPresent()) {
      int[] source = n.op() == Op.GATHER_ND
          ? ndSources(n, xd, idx.get()) : elementSources(n, xd, idx.get());
      fromFlat(n, source);
    } else if (n.op() == Op.GATHER_ND) {
      runtimeNd(n, xd);
    } else {
      runtimeElements(n, xd);
    }
  }

  // --- constant indices: the logical flat source of every output element ---

  private int[] ndSources(Node n, long[] xd, TensorData idx) {
    long[] id = idx.dims();
    long[] v = idx.longs();
    int b = (int) n.attrLong("batch_dims", 0);
    int k = (int) id[id.length - 1];
    long[] stride = strides(xd);
    long inner = 1;
    for (int j = b + k; j < xd.length; j++) {
      inner *= xd[j];
    }
    int rows = v.length / k;
    long perBatch = 1;
    for (int j = b; j < id.length - 1; j++) {
      perBatch *= id[j];
    }
    int[] out = new int[(int) (rows * inner)];
    for (int r = 0; r < rows; r++) {
      long base = 0;
      long batch = r / perBatch; // the row's position over the first b axes, flat
      for (int j = b - 1; j >= 0; j--) {
        base += (batch % xd[j]) * stride[j];
        batch /= xd[j];
      }
      for (int j = 0; j < k; j++) {
        base += index(n, v[r * k + j], xd[b + j]) * stride[b + j];
      }
      for (int e = 0; e < inner; e++) {
        out[(int) (r * inner + e)] = (int) (base + e);
      }
    }
    return out;
  }

  private int[] elementSources(Node n, long[] xd, TensorData idx) {
    long[] id = idx.dims();
    long[] v = idx.longs();
    int axis = axis(n, xd.length);
    long[] stride = strides(xd);
    int[] out = new int[v.length];
    int[] pos = new int[id.length];
    for (int o = 0; o < v.length; o++) {
      long src = 0;
      for (int j = 0; j < id.length; j++) {
        src += (j == axis ? index(n, v[o], xd[axis]) : pos[j]) * stride[j];
      }
      out[o] = (int) src;
      for (int j = id.length - 1; j >= 0 && ++pos[j] >= id[j]; j--) {
        pos[j] = 0;
      }
    }
    return out;
  }

  /** RESHAPE when the sources are the data in order, else GATHER on the flattened data. */
  private void fromFlat(Node n, int[] source) {
    String x = n.input(0);
    long[] xd = l.dims(x);
    long size = 1;
    for (long d : xd) {
      size *= d;
    }
    boolean inOrder = source.length == size;
    for (int i = 0; inOrder && i < source.length; i++) {
      inOrder = source[i] == i;
    }
    int[] p = l.layoutOf(x);
    int[] id = Layout.identity(l.dims(n.output(0)).length);
    if (inOrder) {
      int in = l.ensure(x, Layout.identity(xd.length));
      int out = l.define(n.output(0), id);
      l.reshape(in, out, l.fm.get(out).shape);
      return;
    }
    int[] physical = Layout.flatOrder(p, xd); // logical flat index of each physical position
    int[] where = new int[physical.length];
    for (int i = 0; i < physical.length; i++) {
      where[physical[i]] = i;
    }
    int[] flatIdx = new int[source.length];
    for (int i = 0; i < source.length; i++) {
      flatIdx[i] = where[source[i]];
    }
    int flat = l.fm.tensor(n.name() + "_flat", l.fm.get(l.tensor(x)).type,
        new int[] {(int) size});
    l.reshape(l.tensor(x), flat, new int[] {(int) size});
    int out = l.define(n.output(0), id);
    int indices = l.fm.constInts(n.name() + "_sources", l.fm.get(out).shape, flatIdx);
    GatherOptionsT o = new GatherOptionsT();
    o.setAxis(0);
    l.fm.op(BuiltinOperator.GATHER, new int[] {flat, indices}, new int[] {out},
        BuiltinOptions.GatherOptions, o);
  }

  // --- indices computed at run time ---

  private void runtimeNd(Node n, long[] xd) {
    if (n.attrLong("batch_dims", 0) != 0) {
      throw Ops.unsupported(n, "with batch_dims and indices computed at run time");
    }
    long[] id = l.dims(n.input(1));
    int k = (int) id[id.length - 1];
    int[] sizes = new int[k];
    for (int j = 0; j < k; j++) {
      sizes[j] = (int) xd[j];
    }
    int idx = inRange(n, l.ensure(n.input(1), Layout.identity(id.length)),
        l.fm.intVector(n.name() + "_sizes", sizes));
    gatherNd(n, idx);
  }

  private void runtimeElements(Node n, long[] xd) {
    long[] id = l.dims(n.input(1));
    int rank = id.length;
    int axis = axis(n, rank);
    int[] idShape = Layout.apply(Layout.identity(rank), id);
    int[] column = java.util.Arrays.copyOf(idShape, rank + 1);
    column[rank] = 1;
    int idx = inRange(n, l.ensure(n.input(1), Layout.identity(rank)),
        l.fm.constInts(n.name() + "_size", new int[0], new int[] {(int) xd[axis]}));
    int[] parts = new int[rank];
    int count = 1;
    for (int d : idShape) {
      count *= d;
    }
    for (int j = 0; j < rank; j++) {
      if (j == axis) {
        parts[j] = l.fm.tensor(n.name() + "_column", l.fm.get(idx).type, column);
        l.reshape(idx, parts[j], column);
        continue;
      }
      int[] grid = new int[count]; // each element's position along axis j
      int[] pos = new int[rank];
      for (int o = 0; o < count; o++) {
        grid[o] = pos[j];
        for (int a = rank - 1; a >= 0 && ++pos[a] >= idShape[a]; a--) {
          pos[a] = 0;
        }
      }
      parts[j] = l.fm.constInts(n.name() + "_grid" + j, column, grid);
    }
    int[] coordShape = column.clone();
    coordShape[rank] = rank;
    int coords = l.fm.tensor(n.name() + "_coords", l.fm.get(idx).type, coordShape);
    ConcatenationOptionsT o = new ConcatenationOptionsT();
    o.setAxis(rank);
    l.fm.op(BuiltinOperator.CONCATENATION, parts, new int[] {coords},
        BuiltinOptions.ConcatenationOptions, o);
    gatherNd(n, coords);
  }

  /** ONNX's negative indices counted from the end: FLOOR_MOD by the axis sizes. */
  private int inRange(Node n, int indices, int sizes) {
    int t = l.fm.tensor(n.name() + "_in_range", l.fm.get(indices).type,
        l.fm.get(indices).shape);
    l.fm.op(BuiltinOperator.FLOOR_MOD, new int[] {indices, sizes}, new int[] {t});
    return t;
  }

  private void gatherNd(Node n, int indices) {
    String x = n.input(0);
    int in = l.ensure(x, Layout.identity(l.dims(x).length));
    int out = l.define(n.output(0), Layout.identity(l.dims(n.output(0)).length));
    l.fm.op(BuiltinOperator.GATHER_ND, new int[] {in, indices}, new int[] {out});
  }

  // --- helpers ---

  private static int axis(Node n, int rank) {
    long a = n.attrLong("axis", 0);
    return (int) (a < 0 ? a + rank : a);
  }

  /** An ONNX index in [-size, size) as a position; out of range is the model's error. */
  private static long index(Node n, long i, long size) {
    if (i < -size || i >= size) {
      throw Ops.unsupported(n, "with index " + i + " outside an axis of size " + size);
    }
    return i < 0 ? i + size : i;
  }

  private static long[] strides(long[] d) {
    long[] s = new long[d.length];
    long acc = 1;
    for (int i = d.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= d[i];
    }
    return s;
  }
}
