package dev.graft.thin;

import dev.graft.GraftException;
import dev.graft.data.CalibrationSource;
import dev.graft.data.SpreadSource;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ShapeInference;
import dev.graft.region.Costs;
import dev.graft.region.ModulePaths;
import dev.graft.region.ModuleTree;
import dev.graft.linalg.LinearLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The {@code graft thin} command: for each selected layer (Conv or Gemm/MatMul), finds the
 * {@link ChannelGroup} of its output channels (all layers whose channels are tied to them through
 * per-channel ops, residual Adds and Concats) and keeps one subset of the group's channels: every
 * producer keeps those output rows, every consumer those input columns. With
 * {@link ThinOptions.Select#SOMP} the subset is chosen by greedy simultaneous orthogonal matching
 * pursuit over all consumers' teacher outputs at once (all samples and positions), and each
 * consumer is refit by least squares; {@link ThinOptions.Select#MAGNITUDE} keeps the channels of
 * largest producer-row L1 norm without refit. Groups are thinned one after another, each on the
 * activations of the model thinned so far (statistics of all of a group's consumers in one pass,
 * see {@link Moments}, over at most {@value #STATISTICS_SAMPLES} samples spread evenly over the
 * calibration set). A group whose channels reach a graph output or an op that mixes channels
 * is left alone, and the report says why.
 *
 * <pre>{@code
 * ThinResult r = Thinner.thin(g, ThinOptions.of("stage1.*", 0.5).calibration(source));
 * OnnxWriter.write(r.graph(), out);
 * Json.writeFile(report, r.toJson());
 * }</pre>
 */
public final class Thinner {
  /**
   * Samples the statistics of a group read at most, spread evenly over the calibration set: past
   * this many, least-squares fits of these sizes change little while every group's pass costs more.
   */
  static final int STATISTICS_SAMPLES = 2048;

  private Thinner() {}

  public static ThinResult thin(Graph graph, ThinOptions o) {
    Graph teacher = ShapeInference.infer(graph);
    List<Node> selected = ModuleTree.of(teacher).match(o.layers(),
        n -> LinearLayer.of(teacher, n).isPresent(), "Conv/Gemm/MatMul layer");
    boolean somp = o.select() == ThinOptions.Select.SOMP;
    CalibrationSource cal = o.calibrationSource() == null ? null
        : SpreadSource.of(o.calibrationSource(), STATISTICS_SAMPLES);
    if (somp && cal == null) {
      throw GraftException.badInput("thin --select somp needs calibration data (--calibration)");
    }
    Graph cur = teacher;
    Map<String, int[]> rows = new HashMap<>();
    Set<String> done = new HashSet<>();
    List<ThinResult.Group> report = new ArrayList<>();
    for (Node sel : selected) {
      if (done.contains(sel.name())) {
        continue;
      }
      Graph shaped = Costs.concrete(cur);
      ChannelGroup grp = ChannelGroup.of(shaped, shaped.node(sel.name()).orElseThrow());
      grp.producers.forEach(n -> done.add(n.name()));
      grp.inner.forEach(n -> done.add(n.name()));
      String name = ModulePaths.of(sel);
      List<String> producers = paths(grp.producers);
      List<String> consumers = paths(grp.consumers);
      if (grp.blocked() != null) {
        report.add(new ThinResult.Group(name, producers, consumers, -1, -1, null, Map.of(),
            grp.blocked()));
        continue;
      }
      int c = grp.classCount;
      int k = o.kept(c);
      if (k >= c) {
        report.add(new ThinResult.Group(name, producers, consumers, c, c, null, Map.of(),
            "keeping " + k + " of " + c + " is all of them"));
        continue;
      }
      Map<String, Moments> moments = cal == null ? Map.of()
          : Moments.collect(cur, teacher, shaped, grp.consumers, cal,
              o.device());
      List<Moments> stats = new ArrayList<>();
      List<Somp> parts = new ArrayList<>();
      for (Node n : cal == null ? List.<Node>of() : grp.consumers) {
        Moments m = moments.get(n.name());
        int outs = LinearLayer.of(shaped, n).orElseThrow().outputs();
        int[] kept = rows.getOrDefault(n.name(), IntStream.range(0, outs).toArray());
        stats.add(m);
        parts.add(m.somp(kept, grp.classes.get(n.input(0)), c));
      }
      boolean[] keep = somp ? Somp.select(parts, c, k) : magnitude(shaped, grp, k);
      Map<String, double[][]> coefs = new HashMap<>();
      Map<String, Double> errs = new LinkedHashMap<>();
      for (int i = 0; i < parts.size(); i++) {
        Somp s = parts.get(i);
        double[][] coef = somp ? s.refit(keep)
            : stats.get(i).presentCoefficients(
                LinearLayer.of(shaped, grp.consumers.get(i)).orElseThrow(), s.features(keep));
        if (somp) {
          coefs.put(grp.consumers.get(i).name(), coef);
        }
        errs.put(consumers.get(i), s.relErr(keep, coef));
      }
      for (Node p : grp.producers) {
        int[] kept = grp.keptPositions(p.output(0), keep);
        int[] old = rows.get(p.name());
        rows.put(p.name(), old == null ? kept : Arrays.stream(kept).map(i -> old[i]).toArray());
      }
      cur = GroupRewrite.apply(cur, grp, keep, coefs);
      int[] keptClasses = java.util.stream.IntStream.range(0, c).filter(i -> keep[i]).toArray();
      report.add(new ThinResult.Group(name, producers, consumers, c, k, keptClasses, errs, null));
    }
    return new ThinResult(cur, o.select().name().toLowerCase(java.util.Locale.ROOT), report,
        Costs.params(teacher), Costs.params(cur), Costs.macs(teacher), Costs.macs(cur));
  }

  /** The k classes of largest summed L1 norm of the producer rows in them. */
  private static boolean[] magnitude(Graph shaped, ChannelGroup grp, int k) {
    double[] score = new double[grp.classCount];
    for (Node p : grp.producers) {
      double[][] w = LinearLayer.of(shaped, p).orElseThrow().weights();
      int[] cls = grp.classes.get(p.output(0));
      for (int r = 0; r < w.length; r++) {
        for (double v : w[r]) {
          score[cls[r]] += Math.abs(v);
        }
      }
    }
    Integer[] order = new Integer[score.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    boolean[] keep = new boolean[score.length];
    for (int i = 0; i < k; i++) {
      keep[order[i]] = true;
    }
    return keep;
  }

  private static List<String> paths(List<Node> nodes) {
    return nodes.stream().map(n -> ModulePaths.of(n)).toList();
  }
}
