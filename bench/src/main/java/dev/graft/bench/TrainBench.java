package dev.graft.bench;

import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.region.Region;
import dev.graft.replace.Student;
import dev.graft.replace.StudentSpec;
import dev.graft.replace.Students;
import dev.graft.train.InMemoryData;
import dev.graft.train.TrainOptions;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of Graft against PyTorch on the same student, data shapes, batch size and
 * epochs (CPU, 2 threads each). Run with {@code bench/run TrainBench} (or
 * {@code bench/train_bench.sh}) from the repository root; prints samples/s and the ratio.
 *
 * <p>Arguments: {@code [mlp|attention-ffn] [rows] [batch] [epochs] [stepsPerCall]}.
 */
public final class TrainBench {
  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "attention-ffn";
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int k = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    int t = 8;
    int d = 64;
    Shape s = Shape.of(List.of(Dim.symbol("batch"), Dim.of(t), Dim.of(d)));
    Graph teacher = Graph.builder().name("bench").input(new ValueInfo("x", DType.FLOAT, s))
        .node(Node.of("blk", Op.IDENTITY, List.of("x"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, s)).build();
    Region region = new Region("blk", "blk", 0, 0, List.of("blk"), "x", "y", List.of());
    StudentSpec spec = kind.equals("mlp") ? new StudentSpec.Mlp(256, 1)
        : new StudentSpec.AttentionFfn(4, 128);
    Student student = Students.build(spec, teacher, region, 0);
    Random r = new Random(0);
    float[] x = new float[rows * t * d];
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
      y[i] = (float) (Math.tanh(x[i]) + 0.1 * r.nextGaussian());
    }
    var data = InMemoryData.of(Map.of("x", NdArray.of(x, rows, t, d)), "y",
        NdArray.of(y, rows, t, d), 0.0, 0);
    TrainOptions o = TrainOptions.defaults().withEpochs(epochs).withBatchSize(batch)
        .withThreads(2).withStepsPerCall(k).withPatience(epochs);
    TrainResult res = Trainer.fit(student.graph(), student.params(), data, o);
    double graft = res.samplesPerSecond();
    System.out.printf("student %s, %d rows [%d,%d], batch %d, %d epochs, %d params%n", kind, rows,
        t, d, batch, epochs, student.paramCount());
    System.out.printf("graft   samples/s %.1f (final train MSE %.5f, %d steps per call)%n", graft,
        res.curve().get(res.curve().size() - 1).trainMse(), k);
    Map<String, String> pt = pytorch(2, "--student", kind, "--rows", "" + rows, "--batch",
        "" + batch, "--epochs", "" + epochs);
    double torch = Double.parseDouble(pt.getOrDefault("samples_per_second", "NaN"));
    String loss = pt.getOrDefault("final_loss", "?");
    System.out.printf("pytorch samples/s %.1f (final step loss %s)%n", torch, loss);
    System.out.printf("ratio graft/pytorch %.2f%n", graft / torch);
  }

  /**
   * Runs {@code bench/train_pytorch.py} with the arguments on {@code threads} threads; prints its
   * other lines and returns its {@code key=value} lines.
   */
  static Map<String, String> pytorch(int threads, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3",
        "bench/train_pytorch.py"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // Passive OpenMP waiting: on a shared, loaded machine spinning threads slow PyTorch tenfold.
    pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    pb.environment().put("BENCH_THREADS", "" + threads);
    Process p = pb.start();
    Map<String, String> out = new java.util.LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = in.readLine()) != null; ) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).matches("[a-z_0-9]+")) {
          out.put(line.substring(0, eq), line.substring(eq + 1));
        } else {
          System.out.println("pytorch: " + line);
        }
      }
    }
    p.waitFor();
    return out;
  }
}
