package dev.graft.replace;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.region.Region;
import dev.graft.train.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds students from a region's boundary shapes. Each reads the entry tensor (and side inputs,
 * which only {@code attention-ffn} could use and which no student reads yet) and writes the exit
 * tensor; a student whose shapes do not fit the region is refused with the reason.
 *
 * <ul>
 *   <li>{@code linear}: per token for [B,T,D], per pixel (1×1 conv) for [B,C,H,W] with equal
 *       spatial sizes, flattened otherwise; fitted in closed form by {@link LinearFit}.
 *   <li>{@code mlp}: {@code depth} hidden layers of {@code hidden} units, per token for [B,T,D],
 *       flattened otherwise; a residual connection when entry and exit shapes are equal.
 *   <li>{@code attention-ffn}: one pre-norm transformer block for [B,T,D] → [B,T,D], starting
 *       from the teacher's first block of the region where its shape matches
 *       ({@link AttentionInit}).
 *   <li>{@code thin-conv}: see {@link ThinConv}.
 *   <li>{@code skip}: identity, when entry and exit shapes are equal.
 * </ul>
 */
public final class Students {
  private Students() {}

  public static Student build(StudentSpec spec, Graph teacher, Region region, long seed) {
    return build(spec, teacher, region, seed, null);
  }

  /**
   * The student, with {@code data} (the recorded entry and exit, or null) to choose where it
   * starts: {@code thin-conv} selects its channels on it.
   */
  public static Student build(StudentSpec spec, Graph teacher, Region region, long seed,
      TrainingData data) {
    Graph g = shaped(teacher);
    Shape xs = shapeOf(g, region.entry(), region);
    Shape ys = shapeOf(g, region.exit(), region);
    String prefix = "graft/" + region.to().replaceAll("[^A-Za-z0-9_.]", "_") + "/";
    Graph.Builder b = Graph.builder().name("student-" + spec.kind().cliName()).opset(
        Math.max(teacher.opset(), 17));
    b.input(new ValueInfo(region.entry(), DType.FLOAT, xs));
    for (String s : region.sideInputs()) {
      ValueInfo v = g.info(s).orElseThrow(() -> GraftException.badInput(
          "side input %s of region %s..%s has no known type", s, region.from(), region.to()));
      // recorded row by row like the entry: its first axis is the batch
      b.input(v.shape() != null && v.shape().rank() >= 2 && v.shape().dim(0).isKnown()
          ? v.withShape(v.shape().withDim(0, dev.graft.graph.Dim.symbol("batch"))) : v);
    }
    Layers l = new Layers(b, prefix, seed);
    String y;
    switch (spec.kind()) {
      case SKIP:
        requireSame(spec, region, xs, ys);
        y = l.e.op(Op.IDENTITY, List.of(region.entry()));
        break;
      case LINEAR:
        return LinearFit.student(spec, region, xs, ys, b, l);
      case MLP:
        y = mlp((StudentSpec.Mlp) spec, region, xs, ys, l);
        break;
      case ATTENTION_FFN:
        requireSame(spec, region, xs, ys);
        if (xs.rank() != 3) {
          throw refuse(spec, region, "needs [batch, tokens, features] tensors, region has " + xs);
        }
        StudentSpec.AttentionFfn a = (StudentSpec.AttentionFfn) spec;
        y = attention(a, region, xs, l, ScoreBias.of(g, region, xs, b, prefix));
        startFromTeacher(g, region, xs.dim(2).value(), a.ffn(), b, l);
        break;
      case THIN_CONV:
        y = ThinConv.build((StudentSpec.ThinConv) spec, g, region, xs, ys, l, data);
        break;
      default:
        throw new IllegalStateException(spec.kind().toString());
    }
    l.e.opTo(region.exit(), Op.IDENTITY, List.of(y));
    b.output(new ValueInfo(region.exit(), DType.FLOAT, ys));
    return new Student(spec.kind(), b.build(), l.params, prefix);
  }

  /**
   * The teacher with shapes; where a symbolic batch defeats inference (shape arithmetic on it), the
   * batch is bound to 1 first: students read only the other axes.
   */
  static Graph shaped(Graph teacher) {
    try {
      return ShapeInference.infer(teacher);
    } catch (GraftException e) {
      Graph g = teacher;
      for (ValueInfo v : teacher.inputs()) {
        if (v.shape() != null && v.shape().rank() > 0 && !v.shape().dim(0).isKnown()) {
          g = ShapeInference.bind(g, v.shape().dim(0).symbol(), 1);
        }
      }
      return g;
    }
  }

  static Shape shapeOf(Graph g, String tensor, Region region) {
    Shape s = g.info(tensor).map(ValueInfo::shape).orElse(null);
    if (s != null && s.rank() >= 2 && s.dim(0).isKnown()) {
      s = s.withDim(0, dev.graft.graph.Dim.symbol("batch"));
    }
    if (s == null || s.rank() < 2) {
      throw GraftException.badInput("region %s..%s: tensor %s has no known shape with a batch "
          + "axis", region.from(), region.to(), tensor);
    }
    for (int i = 1; i < s.rank(); i++) {
      if (!s.dim(i).isKnown()) {
        String sym = s.dim(i).symbol();
        throw GraftException.badInput("region %s..%s: tensor %s has shape %s; students need all "
            + "but the batch axis known%s", region.from(), region.to(), tensor, s,
            sym.startsWith("?") ? "" : " (bind it with --dim " + sym + "=SIZE)");
      }
    }
    return s;
  }

  static GraftException refuse(StudentSpec spec, Region region, String why) {
    return GraftException.badInput("student %s cannot replace region %s..%s: %s",
        spec.kind().cliName(), region.from(), region.to(), why);
  }

  private static void requireSame(StudentSpec spec, Region region, Shape xs, Shape ys) {
    if (!Arrays.equals(rowDims(xs), rowDims(ys))) {
      throw refuse(spec, region, "it keeps the shape, but the region maps " + xs + " to " + ys);
    }
  }

  static long[] rowDims(Shape s) {
    long[] d = new long[s.rank() - 1];
    for (int i = 1; i < s.rank(); i++) {
      d[i - 1] = s.dim(i).value();
    }
    return d;
  }

  private static String mlp(StudentSpec.Mlp spec, Region region, Shape xs, Shape ys, Layers l) {
    boolean perToken = xs.rank() == 3 && ys.rank() == 3 && xs.dim(1).equals(ys.dim(1));
    long in = perToken ? xs.dim(2).value() : xs.rowSize();
    long out = perToken ? ys.dim(2).value() : ys.rowSize();
    int rank = perToken ? 3 : 2;
    String h = perToken ? region.entry()
        : l.e.op(Op.FLATTEN, List.of(region.entry()), Attribute.of("axis", 1L));
    String x0 = h;
    long width = spec.hidden();
    long prev = in;
    double gain = spec.activation() == StudentSpec.Activation.RELU ? Math.sqrt(2) : 1.0;
    for (int i = 0; i < spec.depth(); i++) {
      h = l.activation(l.dense(h, rank, prev, width, gain), spec.activation().key());
      prev = width;
    }
    boolean residual = Arrays.equals(rowDims(xs), rowDims(ys));
    h = l.dense(h, rank, prev, out, residual ? 0.1 : 1.0);
    if (residual) {
      h = l.e.op(Op.ADD, List.of(x0, h));
    }
    if (!perToken) {
      List<Long> dims = new ArrayList<>(List.of(0L));
      for (long d : rowDims(ys)) {
        dims.add(d);
      }
      h = l.e.op(Op.RESHAPE, List.of(h, l.e.longs(dims.stream().mapToLong(v -> v).toArray())));
    }
    return h;
  }

  /** Overwrites the attention-ffn parameters with the teacher's first block where it matches. */
  private static void startFromTeacher(Graph g, Region region, long d, long ffn, Graph.Builder b,
      Layers l) {
    AttentionInit.fromTeacher(g, region, d, ffn).ifPresent(values -> {
      Graph built = b.build();
      for (int i = 0; i < values.size(); i++) {
        String p = l.params.get(i);
        long[] dims = built.initializer(p).orElseThrow().dims();
        b.initializer(dev.graft.graph.TensorData.ofFloats(p, dims, values.get(i)));
      }
    });
  }

  private static String attention(StudentSpec.AttentionFfn spec, Region region, Shape xs,
      Layers l, String bias) {
    long t = xs.dim(1).value();
    long d = xs.dim(2).value();
    int heads = spec.heads();
    if (d % heads != 0) {
      throw refuse(spec, region, d + " features do not split into " + heads + " heads");
    }
    long dh = d / heads;
    var e = l.e;
    String x = region.entry();
    String h = l.layerNorm(x, d);
    String q = l.dense(h, 3, d, d, 1.0);
    String k = l.dense(h, 3, d, d, 1.0);
    String v = l.dense(h, 3, d, d, 1.0);
    String split = e.longs(0, t, heads, dh);
    q = e.op(Op.TRANSPOSE, List.of(e.op(Op.RESHAPE, List.of(q, split))),
        Attribute.ints("perm", 0, 2, 1, 3));
    k = e.op(Op.TRANSPOSE, List.of(e.op(Op.RESHAPE, List.of(k, split))),
        Attribute.ints("perm", 0, 2, 3, 1));
    v = e.op(Op.TRANSPOSE, List.of(e.op(Op.RESHAPE, List.of(v, split))),
        Attribute.ints("perm", 0, 2, 1, 3));
    String s = e.op(Op.MUL, List.of(e.op(Op.MAT_MUL, List.of(q, k)),
        e.scalar(1.0 / Math.sqrt(dh))));
    if (bias != null) {
      s = e.op(Op.ADD, List.of(s, bias));
    }
    String a = e.op(Op.SOFTMAX, List.of(s), Attribute.of("axis", -1L));
    String o = e.op(Op.TRANSPOSE, List.of(e.op(Op.MAT_MUL, List.of(a, v))),
        Attribute.ints("perm", 0, 2, 1, 3));
    o = e.op(Op.RESHAPE, List.of(o, e.longs(0, t, d)));
    String x1 = e.op(Op.ADD, List.of(x, l.dense(o, 3, d, d, 0.1)));
    String h2 = l.layerNorm(x1, d);
    String f = l.activation(l.dense(h2, 3, d, spec.ffn(), 1.0), spec.activation().key());
    return e.op(Op.ADD, List.of(x1, l.dense(f, 3, spec.ffn(), d, 0.1)));
  }
}
