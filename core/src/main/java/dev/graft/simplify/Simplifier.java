package dev.graft.simplify;

import dev.graft.exec.Capture;
import dev.graft.exec.Device;
import dev.graft.region.Costs;
import dev.graft.data.CalibrationSource;
import dev.graft.io.NdArray;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code graft simplify} command: exact simplifications of a model. Always: Identity and
 * inference-mode Dropout removal, BatchNorm folding into the preceding Conv/Gemm, constant folding
 * (static shape arithmetic and any node on constant inputs). With a domain: stable-ReLU removal
 * and layer collapse ({@link SimplifyOptions}). The input graph is not modified.
 *
 * <pre>{@code
 * SimplifyResult r = Simplifier.simplify(graph, SimplifyOptions.inputBox(0, 1));
 * OnnxWriter.write(r.graph(), out);
 * }</pre>
 */
public final class Simplifier {
  private Simplifier() {}

  public static SimplifyResult simplify(Graph graph, SimplifyOptions options) {
    for (dev.graft.graph.ValueInfo in : graph.inputs()) {
      if (in.shape() != null && in.shape().dims().stream()
          .anyMatch(d -> d.isKnown() && d.value() == 0)) {
        throw dev.graft.GraftException.badInput("simplify: input '%s' has shape %s, which holds"
            + " no values", in.name(), in.shape());
      }
    }
    Graph g = ShapeInference.infer(graph);
    long paramsBefore = Costs.params(g);
    long flopsBefore = Costs.macs(g);
    int[] identities = {0};
    g = ShapeInference.infer(Cleanup.removeIdentities(g, identities));
    List<String> bns = new ArrayList<>();
    g = ShapeInference.infer(Cleanup.foldBatchNorms(g, bns));
    int[] folded = {0};
    g = ShapeInference.infer(ConstantFolding.fold(g, folded));
    List<SimplifyResult.ReluLayer> relus = new ArrayList<>();
    String domain = "none";
    Map<String, StableRelu.UnitBounds> bounds = null;
    if (options.hasBox()) {
      domain = "input-box [" + options.lo() + ", " + options.hi() + "]";
      bounds = fromBoxes(g, Intervals.propagate(g, options.lo(), options.hi()));
    } else if (options.calibrationSource() != null) {
      CalibrationSource cal = options.calibrationSource();
      domain = "calibration (" + cal.size() + " samples)";
      bounds = empirical(g, cal, options.device());
    }
    if (bounds != null) {
      g = StableRelu.apply(g, bounds, options.foldPolicy(), relus);
    }
    return new SimplifyResult(g, domain, bns, identities[0], folded[0], relus, paramsBefore,
        Costs.params(g), flopsBefore, Costs.macs(g));
  }

  private static List<String> reluInputs(Graph g) {
    List<String> t = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.op() == Op.RELU && !t.contains(n.input(0))) {
        t.add(n.input(0));
      }
    }
    return t;
  }

  private static Map<String, StableRelu.UnitBounds> fromBoxes(
      Graph g, Map<String, Intervals.Box> boxes) {
    Map<String, StableRelu.UnitBounds> out = new HashMap<>();
    for (String t : reluInputs(g)) {
      Intervals.Box b = boxes.get(t);
      if (b != null && b.shape().length >= 2) {
        out.put(t, perUnit(b.lo(), b.hi(), b.shape()));
      }
    }
    return out;
  }

  /** Per-unit minima and maxima of every ReLU input, merged batch by batch. */
  private static Map<String, StableRelu.UnitBounds> empirical(Graph g, CalibrationSource cal,
      Device device) {
    List<String> tensors = reluInputs(g);
    Map<String, StableRelu.UnitBounds> out = new HashMap<>();
    if (tensors.isEmpty()) {
      return out;
    }
    Capture.stream(cal, batch(g, tensors), device, List.of(g), List.of(tensors), (start, acts) -> {
      for (String t : tensors) {
        NdArray a = acts.get(0).get(t);
        if (a.rank() < 2) {
          continue;
        }
        float[] f = a.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        out.merge(t, perUnit(d, d, a.shape()), Simplifier::widen);
      }
    });
    return out;
  }

  /**
   * Samples per batch so that one batch of ReLU inputs (4 bytes a value in ONNX Runtime's
   * result, 4 in Java's copy, 8 as doubles) takes at most an eighth of the heap: 256 samples of
   * MobileNetV3's at 224×224 overflowed graft's 1 GiB heap.
   */
  static int batch(Graph g, List<String> tensors) {
    long perSample = 0;
    for (String t : tensors) {
      Shape s = g.info(t).map(ValueInfo::shape).orElse(null);
      long n = 1;
      for (int i = 1; s != null && i < s.rank(); i++) {
        n *= s.dim(i).isKnown() ? s.dim(i).value() : 1;
      }
      perSample += n;
    }
    long budget = Runtime.getRuntime().maxMemory() / 8;
    return (int) Math.max(1, Math.min(256, budget / Math.max(1, perSample * 16)));
  }

  private static StableRelu.UnitBounds widen(StableRelu.UnitBounds a, StableRelu.UnitBounds b) {
    double[] lo = a.lo().clone();
    double[] hi = a.hi().clone();
    for (int i = 0; i < lo.length; i++) {
      lo[i] = Math.min(lo[i], b.lo()[i]);
      hi[i] = Math.max(hi[i], b.hi()[i]);
    }
    return new StableRelu.UnitBounds(lo, hi);
  }

  /** Min of {@code lo} and max of {@code hi} per unit (axis 1) over every other axis. */
  static StableRelu.UnitBounds perUnit(double[] lo, double[] hi, long[] shape) {
    int units = (int) shape[1];
    int inner = 1;
    for (int i = 2; i < shape.length; i++) {
      inner *= (int) shape[i];
    }
    double[] l = new double[units];
    double[] h = new double[units];
    java.util.Arrays.fill(l, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(h, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < lo.length; i++) {
      int u = (i / inner) % units;
      l[u] = Math.min(l[u], lo[i]);
      h[u] = Math.max(h[u], hi[i]);
    }
    return new StableRelu.UnitBounds(l, h);
  }
}
