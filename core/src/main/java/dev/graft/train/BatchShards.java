package dev.graft.train;

import dev.graft.exec.Device;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How many equal shards of a batch a training step runs at once, each a single-threaded (or
 * few-threaded) ONNX Runtime call on its own core ({@link ShardedSteps}), and whether a student
 * allows it. On a CPU, ONNX Runtime spreads each operator of a step over all its threads; for
 * the small convolutions of a thin student that costs a third more CPU than the same work on one
 * thread, while the shards of a batch need no communication until their gradients are averaged.
 * Only a {@link Trainer#heavy} step is sharded (light steps run several steps per call instead),
 * and only where the mean of the shards' gradients is the batch's gradient: the loss is a mean
 * over rows and no operator of the student mixes rows ({@link #rowsIndependent}).
 */
final class BatchShards {
  /** The fewest rows a shard gets: below that, per-operator overheads outweigh the gain. */
  static final int MIN_ROWS = 16;

  /** Ops that act on each row alone as long as their axes (checked below) leave axis 0 alone. */
  private static final Set<Op> ROWWISE = EnumSet.of(Op.CONV, Op.CONV_TRANSPOSE,
      Op.BATCH_NORMALIZATION, Op.LAYER_NORMALIZATION, Op.MAX_POOL, Op.AVERAGE_POOL,
      Op.GLOBAL_AVERAGE_POOL, Op.GLOBAL_MAX_POOL, Op.GEMM, Op.MAT_MUL, Op.ADD, Op.SUB, Op.MUL,
      Op.DIV, Op.POW, Op.EQUAL, Op.LESS, Op.GREATER, Op.AND, Op.MIN, Op.MAX, Op.SUM, Op.WHERE,
      Op.RELU, Op.LEAKY_RELU, Op.CLIP, Op.SIGMOID, Op.HARD_SIGMOID, Op.HARD_SWISH, Op.TANH,
      Op.ERF, Op.GELU, Op.EXP, Op.LOG, Op.SQRT, Op.RECIPROCAL, Op.NEG, Op.ABS, Op.NOT,
      Op.IS_NAN, Op.SOFTMAX, Op.LOG_SOFTMAX, Op.IDENTITY, Op.DROPOUT, Op.CAST, Op.REDUCE_MEAN,
      Op.REDUCE_SUM, Op.REDUCE_MAX, Op.RESHAPE, Op.FLATTEN, Op.TRANSPOSE, Op.CONCAT, Op.SPLIT,
      Op.SLICE, Op.UNSQUEEZE, Op.SQUEEZE, Op.DEPTH_TO_SPACE, Op.SPACE_TO_DEPTH, Op.RESIZE);

  /** A batch size no real axis has, so that axis 0 can be followed through the graph. */
  private static final long MARK = 7919;

  private BatchShards() {}

  /**
   * The number of shards for a step of {@code batch} rows: the largest divisor of the batch up
   * to the cores in use that leaves each shard {@link #MIN_ROWS} rows, on a CPU, for a heavy
   * step of a row-independent student and loss; otherwise 1.
   */
  static int count(Graph student, int batch, TrainLoss loss, Device device, int threads) {
    int cores = cores(threads);
    if (device != Device.CPU || cores < 2 || !Trainer.heavy(student, batch)
        || !loss.rowSeparable() || !rowsIndependent(student)) {
      return 1;
    }
    for (int s = Math.min(cores, batch / MIN_ROWS); s > 1; s--) {
      if (batch % s == 0) {
        return s;
      }
    }
    return 1;
  }

  /** Intra-op threads each shard's call gets: the cores shared out evenly, at least one. */
  static int threadsPerShard(int shards, int threads) {
    return Math.max(1, cores(threads) / shards);
  }

  private static int cores(int threads) {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Whether each row of the student's output depends on the same row of its inputs alone. Every
   * tensor computed from an input must keep the batch as its first axis (followed with a batch
   * size no other axis has), and no operator may reduce, normalize, concatenate, slice or permute
   * along that axis or contract over it. Operators outside a known set answer no.
   */
  static boolean rowsIndependent(Graph student) {
    List<ValueInfo> ins = new java.util.ArrayList<>();
    for (ValueInfo v : student.inputs()) {
      if (v.shape() == null || v.shape().rank() == 0) {
        return false;
      }
      ins.add(v.withShape(v.shape().withDim(0, Dim.of(MARK))));
    }
    Graph g;
    try {
      g = ShapeInference.infer(student.toBuilder().inputs(ins).build());
    } catch (RuntimeException e) {
      return false;
    }
    Set<String> rows = new HashSet<>(student.inputNames());
    for (Node n : g.nodes()) {
      boolean reads = n.inputs().stream().anyMatch(rows::contains);
      if (!reads) {
        continue;
      }
      if (!ROWWISE.contains(n.op()) || !keepsAxisZero(n, g, rows)) {
        return false;
      }
      for (String o : n.outputs()) {
        ValueInfo v = g.info(o).orElse(null);
        if (v == null || v.shape() == null || v.shape().rank() == 0
            || !v.shape().dim(0).isKnown() || v.shape().dim(0).value() != MARK) {
          return false;
        }
        rows.add(o);
      }
    }
    return true;
  }

  /** Whether the node's axes, where it has them, leave the rows apart. */
  private static boolean keepsAxisZero(Node n, Graph g, Set<String> rows) {
    int rank = g.info(n.input(0)).map(v -> v.shape().rank()).orElse(0);
    switch (n.op()) {
      case SOFTMAX: case LOG_SOFTMAX:
        return axis(n.attrLong("axis", g.opset() >= 13 ? -1 : 1), rank) != 0;
      case LAYER_NORMALIZATION: case CONCAT: case SPLIT:
        return axis(n.attrLong("axis", n.op() == Op.LAYER_NORMALIZATION ? -1 : 0), rank) != 0;
      case REDUCE_MEAN: case REDUCE_SUM: case REDUCE_MAX: {
        long[] axes = constantAxes(n, g, 1);
        return axes != null && axes.length > 0 && noneIsZero(axes, rank);
      }
      case SLICE: {
        long[] axes = n.inputs().size() > 3 ? constantAxes(n, g, 3) : n.attrLongs("axes");
        if (axes == null && n.inputs().size() <= 3 && g.opset() >= 10) {
          return false;
        }
        return axes != null && noneIsZero(axes, rank);
      }
      case TRANSPOSE: {
        long[] perm = n.attrLongs("perm");
        return perm != null && perm[0] == 0;
      }
      case MAT_MUL: {
        if (!rows.contains(n.input(1))) {
          return rows.contains(n.input(0)) && rank >= 2;
        }
        int rankB = g.info(n.input(1)).map(v -> v.shape().rank()).orElse(0);
        return rank >= 3 && rankB >= 3;
      }
      case GEMM:
        return !rows.contains(n.input(1)) && n.attrLong("transA", 0) == 0;
      case BATCH_NORMALIZATION:
        return n.attrLong("training_mode", 0) == 0;
      default:
        return true;
    }
  }

  private static long[] constantAxes(Node n, Graph g, int input) {
    long[] attr = n.attrLongs("axes");
    if (attr != null || n.inputs().size() <= input || n.input(input).isEmpty()) {
      return attr;
    }
    TensorData t = g.initializer(n.input(input)).orElse(null);
    return t == null ? null : t.longs();
  }

  private static boolean noneIsZero(long[] axes, int rank) {
    for (long a : axes) {
      if (axis(a, rank) == 0) {
        return false;
      }
    }
    return true;
  }

  private static long axis(long a, int rank) {
    return a < 0 ? a + rank : a;
  }
}
