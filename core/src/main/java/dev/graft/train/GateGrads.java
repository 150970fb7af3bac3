package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Vector-Jacobian products of the activations, gates and masks of current architectures, so that
 * fine-tuning can run through a MobileNetV3, a ViT or a LLaMA-style decoder: HardSigmoid,
 * HardSwish, exact Gelu, Clip, Where, Pow by a constant, Expand, Trilu and Gather of one index.
 */
final class GateGrads {
  private GateGrads() {}

  static final Set<Op> SUPPORTED = EnumSet.of(Op.HARD_SIGMOID, Op.HARD_SWISH, Op.GELU, Op.CLIP,
      Op.WHERE, Op.POW, Op.EXPAND, Op.TRILU, Op.GATHER);

  static void backward(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    String y = n.output(0);
    switch (n.op()) {
      case HARD_SIGMOID: {
        // dy · alpha where 0 < y < 1
        String inside = e.op(Op.AND, List.of(e.op(Op.GREATER, List.of(y, e.scalar(0.0))),
            e.op(Op.LESS, List.of(y, e.scalar(1.0)))));
        String k = e.op(Op.MUL, List.of(mask(e, inside), e.scalar(n.attrFloat("alpha", 0.2f))));
        c.add(x, e.op(Op.MUL, List.of(dy, k)));
        return;
      }
      case HARD_SWISH: {
        // 0 below -3, x/3 + 1/2 between, 1 above 3
        String above = mask(e, e.op(Op.GREATER, List.of(x, e.scalar(3.0))));
        String between = mask(e, e.op(Op.AND, List.of(
            e.op(Op.GREATER, List.of(x, e.scalar(-3.0))),
            e.op(Op.LESS, List.of(x, e.scalar(3.0))))));
        String slope = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(x, e.scalar(1.0 / 3))),
            e.scalar(0.5)));
        String d = e.op(Op.ADD, List.of(e.op(Op.MUL, List.of(between, slope)), above));
        c.add(x, e.op(Op.MUL, List.of(dy, d)));
        return;
      }
      case GELU: {
        if (!"none".equals(n.attrString("approximate", "none"))) {
          throw GraftException.badInput("node %s (Gelu): autodiff supports exact Gelu only,"
              + " not approximate=%s", n.name(), n.attrString("approximate", "none"));
        }
        // Φ(x) + x φ(x) = ½ (1 + erf(x / √2)) + x exp(-x² / 2) / √(2π)
        String cdf = e.op(Op.MUL, List.of(e.op(Op.ADD, List.of(e.op(Op.ERF,
            List.of(e.op(Op.MUL, List.of(x, e.scalar(Math.sqrt(0.5)))))), e.scalar(1.0))),
            e.scalar(0.5)));
        String pdf = e.op(Op.MUL, List.of(e.op(Op.EXP, List.of(e.op(Op.MUL,
            List.of(e.op(Op.MUL, List.of(x, x)), e.scalar(-0.5))))),
            e.scalar(1 / Math.sqrt(2 * Math.PI))));
        String d = e.op(Op.ADD, List.of(cdf, e.op(Op.MUL, List.of(x, pdf))));
        c.add(x, e.op(Op.MUL, List.of(dy, d)));
        return;
      }
      case CLIP:
        clip(n, c, dy);
        return;
      case WHERE: {
        long[] sy = c.shape(y);
        String zero = e.scalar(0.0);
        for (int i = 1; i <= 2; i++) {
          String in = n.input(i);
          if (c.wants(in)) {
            List<String> branches = i == 1 ? List.of(n.input(0), dy, zero)
                : List.of(n.input(0), zero, dy);
            c.add(in, c.sumTo(e.op(Op.WHERE, branches), sy, c.shape(in)));
          }
        }
        return;
      }
      case POW: {
        String p = n.input(1);
        Optional<TensorData> exp = c.g.constant(p);
        if (exp.isEmpty() || exp.get().elementCount() != 1 || c.wants(p)) {
          throw GraftException.badInput(
              "node %s (Pow): autodiff needs a constant scalar exponent", n.name());
        }
        double k = exp.get().floats()[0];
        String d = k == 2 ? x : e.op(Op.POW, List.of(x, e.scalar(k - 1)));
        c.add(x, e.op(Op.MUL, List.of(dy, e.op(Op.MUL, List.of(d, e.scalar(k))))));
        return;
      }
      case EXPAND:
        c.add(x, c.sumTo(dy, c.shape(y), c.shape(x)));
        return;
      case TRILU: {
        List<String> ins = n.inputs().size() > 1 ? List.of(dy, n.input(1)) : List.of(dy);
        c.add(x, e.op(Op.TRILU, ins, n.attributes().values().toArray(new Attribute[0])));
        return;
      }
      case GATHER:
        gather(n, c, dy);
        return;
      default:
        throw new IllegalArgumentException("no gate gradient for " + n.op());
    }
  }

  private static String mask(GraphEmitter e, String bool) {
    return e.op(Op.CAST, List.of(bool), Attribute.of("to", (long) e.floatType().onnxCode()));
  }

  private static void clip(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    String inside = null;
    String lo = bound(n, c, 1, "min");
    String hi = bound(n, c, 2, "max");
    if (lo != null) {
      inside = e.op(Op.GREATER, List.of(x, lo));
    }
    if (hi != null) {
      String below = e.op(Op.LESS, List.of(x, hi));
      inside = inside == null ? below : e.op(Op.AND, List.of(inside, below));
    }
    c.add(x, inside == null ? dy : e.op(Op.MUL, List.of(dy, mask(e, inside))));
  }

  /** A Clip bound as a tensor name (input or attribute), or null when there is none. */
  private static String bound(Node n, Autodiff.Context c, int input, String attr) {
    if (!n.input(input).isEmpty()) {
      if (c.wants(n.input(input))) {
        throw GraftException.badInput("node %s (Clip): autodiff needs constant bounds", n.name());
      }
      return n.input(input);
    }
    return n.attribute(attr).isPresent() ? c.e.scalar(n.attrFloat(attr, 0f)) : null;
  }

  /** Gather of one constant index: the gradient goes back to that slice, zeros elsewhere. */
  private static void gather(Node n, Autodiff.Context c, String dy) {
    GraphEmitter e = c.e;
    String x = n.input(0);
    Optional<TensorData> idx = c.g.constant(n.input(1));
    if (idx.isEmpty() || idx.get().rank() != 0) {
      throw GraftException.badInput(
          "node %s (Gather): autodiff supports one constant index only", n.name());
    }
    long[] sx = c.shape(x);
    int axis = NdShapes.axis(n.attrLong("axis", 0), sx.length);
    long i = idx.get().longs()[0];
    i = i < 0 ? i + sx[axis] : i;
    String slice = e.op(Op.UNSQUEEZE, List.of(dy, e.longs(axis)));
    long[] pads = new long[2 * sx.length];
    pads[axis] = i;
    pads[axis + sx.length] = sx[axis] - 1 - i;
    c.add(x, e.op(Op.PAD, List.of(slice, e.longs(pads))));
  }
}
