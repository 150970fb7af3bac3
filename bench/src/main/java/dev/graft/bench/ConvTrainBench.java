package dev.graft.bench;

import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.region.RegionResolver;
import dev.graft.replace.Student;
import dev.graft.replace.StudentSpec;
import dev.graft.replace.Students;
import dev.graft.train.EpochStats;
import dev.graft.train.InMemoryData;
import dev.graft.train.TrainOptions;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import dev.graft.train.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Thin-conv training throughput of Graft against PyTorch: the CIFAR ResNet-20 of
 * {@code fixtures/third_party/fm_resnet20.torchscript.onnx}, region layer2.0..layer2.2 recorded on
 * Fashion-MNIST, the thin-conv student at half width built once by Graft (same start for both),
 * trained by Graft and by {@code bench/train_pytorch.py --student conv} (the same graph, the same
 * data split, batch, epochs and AdamW schedule, CPU). Prints samples/s of both, their ratio, and
 * the held-out MSE of both after the last epoch, and the CPU time per step of both (this process's,
 * so a loaded machine inflates it less than the wall time); also the time to build the starting
 * student.
 *
 * <p>Arguments: {@code [trainRows=1600] [epochs=10] [batch=64] [threads=2] [rounds=1]}; held-out
 * rows are a quarter of the training rows on top. With several rounds, Graft and PyTorch train in
 * turn, each round from the same start, and the spread of both rates and of the ratio follows.
 */
public final class ConvTrainBench {
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1600;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    Setup setup = setup(rows);
    Region region = setup.region();
    InMemoryData data = setup.data();
    Student s = setup.student();
    double buildS = setup.buildSeconds();
    Path dir = Files.createTempDirectory("graft-conv-bench");
    OnnxWriter.write(s.graph(), dir.resolve("student.onnx"));
    for (TrainingData.Split sp : TrainingData.Split.values()) {
      int n = data.rows(sp);
      Map<String, NdArray> b = data.batch(sp, IntStream.range(0, n).toArray());
      String tag = sp == TrainingData.Split.TRAIN ? "train" : "held";
      Npy.write(dir.resolve(tag + "_x.npy"), b.get(region.entry()));
      Npy.write(dir.resolve(tag + "_y.npy"), b.get(region.exit()));
    }
    TrainOptions o = TrainOptions.defaults().withEpochs(epochs).withBatchSize(batch)
        .withThreads(threads).withPatience(epochs);
    long[] row = data.rowShape(region.entry());
    long[] recorded = new long[row.length + 1];
    recorded[0] = data.rows(TrainingData.Split.TRAIN) + data.rows(TrainingData.Split.HELD_OUT);
    System.arraycopy(row, 0, recorded, 1, row.length);
    System.out.printf("thin-conv %s..%s width 0.5, %d train + %d held-out rows %s, batch %d, "
        + "%d epochs, %d threads, %d params; starting student built in %.2f s; %d rounds, Graft "
        + "and PyTorch in turn%n",
        region.from(), region.to(), data.rows(TrainingData.Split.TRAIN),
        data.rows(TrainingData.Split.HELD_OUT), java.util.Arrays.toString(recorded), batch, epochs,
        threads, s.paramCount(), buildS, rounds);
    int steps = data.rows(TrainingData.Split.TRAIN) / batch * epochs;
    double[] graft = new double[rounds];
    double[] torchRate = new double[rounds];
    double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long c0 = ThinBench.cpuNanos();
      TrainResult res = Trainer.fit(s.graph(), s.params(), data, o);
      double cpuMs = (ThinBench.cpuNanos() - c0) / 1e6;
      EpochStats last = res.curve().get(res.curve().size() - 1);
      System.out.printf("graft   samples/s %.1f held-out MSE %.5f, CPU ms per step %.1f (session "
          + "builds and held-out passes included), %.1f in the training loop alone (as "
          + "PyTorch's); each step as %d batch shard(s)%n",
          res.samplesPerSecond(), last.heldOutMse(), cpuMs / steps,
          res.trainCpuSeconds() * 1e3 / steps, res.shards());
      Map<String, String> torch = TrainBench.pytorch(threads, "--student", "conv", "--graph",
          dir.resolve("student.onnx").toString(), "--data", dir.toString(), "--batch", "" + batch,
          "--epochs", "" + epochs);
      double tps = Double.parseDouble(torch.getOrDefault("samples_per_second", "NaN"));
      System.out.printf("pytorch samples/s %.1f held-out MSE %s, CPU ms per step %s%n", tps,
          torch.getOrDefault("held_out_mse", "?"), torch.getOrDefault("cpu_ms_per_step", "?"));
      graft[r] = res.samplesPerSecond();
      torchRate[r] = tps;
      ratio[r] = res.samplesPerSecond() / tps;
      System.out.printf("ratio graft/pytorch %.2f (round %d, load %.1f)%n", ratio[r], r + 1,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage());
    }
    if (rounds > 1) {
      System.out.printf("over %d rounds (min / median / max): graft samples/s %s, pytorch "
          + "samples/s %s, ratio %s%n", rounds, spread(graft, "%.1f"), spread(torchRate, "%.1f"),
          spread(ratio, "%.2f"));
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  private static String spread(double[] v, String fmt) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return String.format(fmt + " / " + fmt + " / " + fmt, s[0], median, s[s.length - 1]);
  }

  /** The recorded rows (a quarter more held out) and the thin-conv student built from them. */
  record Setup(Region region, InMemoryData data, Student student, double buildSeconds) {}

  static Setup setup(int rows) {
    Graph teacher = OnnxReader.read(Path.of("fixtures/third_party/fm_resnet20.torchscript.onnx"));
    Region region = new RegionResolver(ModuleTree.of(teacher), java.util.Set.of())
        .resolve("layer2.0", "layer2.2");
    int held = rows / 4;
    NdArray img;
    try {
      img = FashionRows.images(rows + held);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, NdArray> rec = FashionRows.record(teacher, "input", img,
        List.of(region.entry(), region.exit()));
    InMemoryData data = InMemoryData.of(Map.of(region.entry(), rec.get(region.entry())),
        region.exit(), rec.get(region.exit()), (double) held / (rows + held), 0);
    long t0 = System.nanoTime();
    Student s = Students.build(new StudentSpec.ThinConv(0.5), teacher, region, 0, data);
    return new Setup(region, data, s, (System.nanoTime() - t0) / 1e9);
  }
}
