package dev.graft.bench;

import dev.graft.io.DType;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Rewrite;
import dev.graft.graph.RestartLoop;
import dev.graft.graph.Rewriter;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.onnx.OnnxWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Time of Graft's local rewrite passes on long graphs. First in this process: Identity removal by
 * {@link Rewriter} against the loop Graft used before it (rule at the first matching node,
 * rebuild, start again from the first node; kept here only as the baseline), on the same graphs
 * and the same rule, interleaved over rounds (thread CPU seconds, min/median, and whether both
 * made the same graph). Then, with {@code --before-jar}, the whole commands under the CLI built
 * before and after a change, interleaved. The models are synthetic chains of {@code N} blocks, each
 * {@code MatMul → Add(bias) → the GELU exporters spell out (Div √2, Erf, Add 1, Mul x, Mul ½) →
 * Identity} on a [1, 64] input (8 nodes per block): {@code graft convert} runs the GELU,
 * hard-activation and fusion passes on them (every block matches twice), {@code graft simplify
 * --input-box} the Identity removal (every block matches once). Each run's wall and user+system
 * seconds come from {@code /usr/bin/time} (JVM start-up included); min and median per command,
 * size and CLI.
 *
 * <p>Usage: {@code bench/run RewriteBench [--before-jar JAR [--after-jar JAR]] [--rounds N]
 * [--blocks 250,1000,2000]}; the after jar defaults to {@code desktop-cli/target/graft-cli.jar}.
 */
public final class RewriteBench {
  public static void main(String[] args) throws Exception {
    Path before = null;
    Path after = Path.of("desktop-cli/target/graft-cli.jar");
    int rounds = 3;
    int[] blocks = {250, 1000, 2000};
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--before-jar" -> before = Path.of(args[i + 1]);
        case "--after-jar" -> after = Path.of(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--blocks" -> blocks = Arrays.stream(args[i + 1].split(","))
            .mapToInt(Integer::parseInt).toArray();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "machine load average at start: %.1f%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());
    for (int n : blocks) {
      inProcess(chain(n), n, rounds);
    }
    if (before == null) {
      return;
    }
    Path dir = Files.createTempDirectory("rewritebench");
    for (int n : blocks) {
      Path model = dir.resolve("chain" + n + ".onnx");
      OnnxWriter.write(chain(n), model);
      for (String command : List.of("convert", "simplify")) {
        double[][] t = new double[4][rounds]; // before wall, before cpu, after wall, after cpu
        for (int round = 0; round < rounds; round++) {
          for (int which = 0; which < 2; which++) {
            Path out = dir.resolve("out" + which + (command.equals("convert") ? ".tflite"
                : ".onnx"));
            double[] wc = Cli.time(which == 0 ? before : after, command.equals("convert")
                ? List.of("convert", model.toString(), "-o", out.toString())
                : List.of("simplify", model.toString(), "--input-box", "-1,1", "-o",
                    out.toString()));
            t[2 * which][round] = wc[0];
            t[2 * which + 1][round] = wc[1];
          }
        }
        System.out.printf(Locale.ROOT, "%s, %d blocks (%d nodes): before %.2f/%.2f s wall"
            + " (min/median), %.2f/%.2f s cpu; after %.2f/%.2f s wall, %.2f/%.2f s cpu;"
            + " cpu median before/after %.1fx%n", command, n, 8 * n, Cli.min(t[0]),
            Cli.median(t[0]), Cli.min(t[1]), Cli.median(t[1]), Cli.min(t[2]), Cli.median(t[2]),
            Cli.min(t[3]), Cli.median(t[3]), Cli.median(t[1]) / Cli.median(t[3]));
      }
    }
  }

  /** Identity removal on the chain, engine against the restarting loop, interleaved. */
  private static void inProcess(Graph g, int n, int rounds) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] t = new double[2][rounds];
    Graph[] out = new Graph[2];
    for (int round = 0; round < rounds; round++) {
      for (int which = 0; which < 2; which++) {
        long c0 = threads.getCurrentThreadCpuTime();
        out[which] = which == 0 ? RestartLoop.toFixpoint(g, BYPASS) : Rewriter.toFixpoint(g, BYPASS);
        t[which][round] = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
      }
    }
    boolean same = out[0].nodes().equals(out[1].nodes())
        && out[0].initializers().keySet().equals(out[1].initializers().keySet());
    System.out.printf(Locale.ROOT, "identity removal, %d blocks (%d nodes, %d rewrites), in"
        + " process: restarting loop %.3f/%.3f s cpu (min/median), work list %.3f/%.3f s;"
        + " median ratio %.0fx; same graph: %s%n", n, g.nodes().size(),
        g.nodes().size() - out[1].nodes().size(), Cli.min(t[0]), Cli.median(t[0]), Cli.min(t[1]),
        Cli.median(t[1]), Cli.median(t[0]) / Cli.median(t[1]), same);
  }

  /** An Identity whose output is not a graph output, bypassed: its readers read its input. */
  private static final Rewriter.Rule BYPASS = (g, node) -> {
    if (node.op() != Op.IDENTITY || g.isOutput(node.output(0))) {
      return Optional.empty();
    }
    Rewrite r = Rewrite.replace(node, List.of());
    for (Node x : g.consumers(node.output(0))) {
      List<String> ins = new ArrayList<>(x.inputs());
      ins.replaceAll(i -> i.equals(node.output(0)) ? node.input(0) : i);
      r.andReplace(x, List.of(x.withInputs(ins)));
    }
    return Optional.of(r);
  };

  /** {@code n} blocks of MatMul, bias Add, spelled-out GELU and Identity on a [1, 64] input. */
  static Graph chain(int n) {
    int d = 64;
    Random r = new Random(7);
    Graph.Builder b = Graph.builder().name("chain").opset(17)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(new long[] {1, d})));
    b.initializer(TensorData.ofFloats("sqrt2", new long[] {}, new float[] {(float) Math.sqrt(2)}));
    b.initializer(TensorData.ofFloats("one", new long[] {}, new float[] {1f}));
    b.initializer(TensorData.ofFloats("half", new long[] {}, new float[] {0.5f}));
    String cur = "x";
    for (int i = 0; i < n; i++) {
      String p = "b" + i + ".";
      float[] w = new float[d * d];
      for (int k = 0; k < w.length; k++) {
        w[k] = (float) (r.nextGaussian() / Math.sqrt(d));
      }
      b.initializer(TensorData.ofFloats(p + "w", new long[] {d, d}, w));
      b.initializer(TensorData.ofFloats(p + "b", new long[] {d}, new float[d]));
      List<Node> nodes = new ArrayList<>();
      nodes.add(Node.of(p + "mm", Op.MAT_MUL, List.of(cur, p + "w"), List.of(p + "h")));
      nodes.add(Node.of(p + "bias", Op.ADD, List.of(p + "h", p + "b"), List.of(p + "y")));
      nodes.add(Node.of(p + "div", Op.DIV, List.of(p + "y", "sqrt2"), List.of(p + "s")));
      nodes.add(Node.of(p + "erf", Op.ERF, List.of(p + "s"), List.of(p + "e")));
      nodes.add(Node.of(p + "add1", Op.ADD, List.of(p + "e", "one"), List.of(p + "e1")));
      nodes.add(Node.of(p + "mulx", Op.MUL, List.of(p + "e1", p + "y"), List.of(p + "m")));
      nodes.add(Node.of(p + "half", Op.MUL, List.of(p + "m", "half"), List.of(p + "g")));
      String out = i == n - 1 ? "y" : p + "out";
      nodes.add(Node.of(p + "id", Op.IDENTITY, List.of(p + "g"), List.of(out)));
      nodes.forEach(b::node);
      cur = out;
    }
    return b.output(new ValueInfo("y", DType.FLOAT, Shape.of(new long[] {1, d}))).build();
  }

  private RewriteBench() {}
}
