package dev.graft.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.graft.exec.Device;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.train.Autodiff;
import dev.graft.exec.Session;
import dev.graft.exec.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Convolution gradients op by op, Graft (the nodes its autodiff emits, run alone in ONNX Runtime)
 * against PyTorch ({@code aten::convolution_backward}): the weight gradient and the input gradient
 * of each distinct conv of the thin-conv student of ResNet-20's layer2.0..layer2.2 at half width,
 * batch 64 of 28×28 Fashion-MNIST activations. Prints the median milliseconds of each. On one
 * thread, Graft's forms are those of one batch shard's call ({@code Autodiff.gradientsFrom} with
 * {@code oneThread}), e.g. {@code 1 40 32} for the two shards of a batch of 64 on 2 cores.
 *
 * <p>Arguments: {@code [threads=2] [runs=40] [batch=64]}.
 */
public final class ConvOpBench {
  /** C, H, W, O, kernel, stride, pad. */
  private static final int[][] CONVS = {
      {16, 28, 28, 16, 3, 2, 1}, {16, 14, 14, 32, 3, 1, 1}, {16, 28, 28, 32, 1, 2, 0},
      {32, 14, 14, 16, 3, 1, 1}};

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    StringBuilder spec = new StringBuilder();
    for (int[] c : CONVS) {
      spec.append(spec.length() == 0 ? "" : ";").append(Arrays.toString(c).replaceAll("[\\[\\] ]",
          ""));
    }
    Map<String, String> torch = TrainBench.pytorch(threads, "--student", "conv-ops", "--shapes",
        spec.toString(), "--batch", "" + batch, "--runs", "" + runs);
    System.out.printf("conv gradients, batch %d, %d threads, median/fastest ms of %d runs%n",
        batch, threads, runs);
    System.out.printf("%-24s %13s %13s %6s %13s %13s %6s%n", "conv C,H,W->O k s p", "dW graft",
        "dW torch", "ratio", "dX graft", "dX torch", "ratio");
    for (int i = 0; i < CONVS.length; i++) {
      int[] c = CONVS[i];
      double[] gw = time(c, batch, "w", threads, runs);
      double[] gx = time(c, batch, "x", threads, runs);
      double[] tw = torchMs(torch, "weight", i);
      double[] tx = torchMs(torch, "input", i);
      System.out.printf("%-24s %6.2f/%6.2f %6.2f/%6.2f %6.2f %6.2f/%6.2f %6.2f/%6.2f %6.2f%n",
          String.format("%d,%d,%d->%d k%d s%d p%d", c[0], c[1], c[2], c[3], c[4], c[5], c[6]),
          gw[0], gw[1], tw[0], tw[1], tw[0] / gw[0], gx[0], gx[1], tx[0], tx[1], tx[0] / gx[0]);
    }
    System.out.println("ratio: torch median / graft median (above 1: Graft faster)");
  }

  private static double[] torchMs(Map<String, String> torch, String what, int i) {
    return new double[] {Double.parseDouble(torch.getOrDefault(what + "_ms_" + i, "NaN")),
        Double.parseDouble(torch.getOrDefault(what + "_min_ms_" + i, "NaN"))};
  }

  /** Median and fastest ms of the gradient for {@code wrt} (x or w) of one conv, alone. */
  private static double[] time(int[] c, int batch, String wrt, int threads, int runs)
      throws Exception {
    long ho = (c[1] + 2L * c[6] - c[4]) / c[5] + 1;
    long wo = (c[2] + 2L * c[6] - c[4]) / c[5] + 1;
    long[] sx = {batch, c[0], c[1], c[2]};
    long[] sw = {c[3], c[0], c[4], c[4]};
    long[] sy = {batch, c[3], ho, wo};
    Graph fwd = Graph.builder().name("conv").opset(17)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(sx)))
        .input(new ValueInfo("w", DType.FLOAT, Shape.of(sw)))
        .input(new ValueInfo("dy", DType.FLOAT, Shape.of(sy)))
        .node(Node.of("conv", Op.CONV, List.of("x", "w"), List.of("y"),
            Attribute.ints("strides", c[5], c[5]), Attribute.ints("pads", c[6], c[6], c[6], c[6])))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(sy))).build();
    Graph g = Autodiff.gradientsFrom(fwd, "y", "dy", List.of(wrt), threads == 1);
    String out = Autodiff.gradName(wrt);
    Graph.Builder b = g.toBuilder().outputs(List.of(g.info(out).orElseThrow()));
    Graph only = b.pruneUnused().build();
    Random r = new Random(0);
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    List<String> needed = new ArrayList<>();
    for (Node n : only.nodes()) {
      needed.addAll(n.inputs());
    }
    for (ValueInfo v : only.inputs()) {
      if (!needed.contains(v.name())) {
        continue;
      }
      long[] s = v.shape().sizes();
      float[] a = new float[(int) Arrays.stream(s).reduce(1, (p, q) -> p * q)];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
      }
      feed.put(v.name(), Tensors.of(a, s));
    }
    Graph pruned = only.toBuilder().inputs(only.inputs().stream()
        .filter(v -> feed.containsKey(v.name())).toList()).build();
    try (Session s = Session.open(pruned, Device.CPU, threads)) {
      double[] ms = new double[runs];
      for (int i = -5; i < runs; i++) {
        long t0 = System.nanoTime();
        try (OrtSession.Result res = s.run(feed)) {
          if (i >= 0) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
      }
      Arrays.sort(ms);
      return new double[] {ms[runs / 2], ms[0]};
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }
}
