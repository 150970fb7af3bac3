package dev.graft.replace;

import dev.graft.data.ArraySource;
import dev.graft.exec.ActivationStore;
import dev.graft.exec.Capture;
import dev.graft.exec.Device;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.region.RegionResolver;
import dev.graft.testing.Fixtures;
import dev.graft.train.StoreData;
import dev.graft.train.TrainOptions;
import dev.graft.verify.Evaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces a region of a committed fixture model the way {@code graft replace} does (capture the
 * region over the digits training split, fit, splice) and measures the result against the teacher
 * on the digits test split.
 */
final class FixtureRun {
  private FixtureRun() {}

  /** The spliced model and its fidelity and accuracy on the test split. */
  record Outcome(ReplaceResult replaced, Evaluator.Result test) {
    double agreement() {
      return test.fidelity().top1Agreement();
    }
  }

  static Outcome run(String model, String from, String to, StudentSpec spec, String split,
      TrainOptions options) throws Exception {
    return run(model, from, to, spec, split, options, dev.graft.train.TrainLoss.MSE);
  }

  /** As above, fine-tuning with {@code loss}. */
  static Outcome run(String model, String from, String to, StudentSpec spec, String split,
      TrainOptions options, dev.graft.train.TrainLoss loss) throws Exception {
    return run(Fixtures.model(model), from, to, spec,
        Npy.read(Fixtures.digits("train_x_" + split + ".npy")),
        Npy.read(Fixtures.digits("test_x_" + split + ".npy")),
        Npy.read(Fixtures.digits("test_y.npy")).longs(), options, loss);
  }

  /** The same on any model whose one input is named {@code input}, with the given data. */
  static Outcome run(Path model, String from, String to, StudentSpec spec, NdArray train,
      NdArray test, long[] labels, TrainOptions options) throws Exception {
    return run(model, from, to, spec, train, test, labels, options,
        dev.graft.train.TrainLoss.MSE);
  }

  /** As above, fine-tuning with {@code loss}. */
  static Outcome run(Path model, String from, String to, StudentSpec spec, NdArray train,
      NdArray test, long[] labels, TrainOptions options, dev.graft.train.TrainLoss loss)
      throws Exception {
    Graph teacher = OnnxReader.read(model);
    Region region = new RegionResolver(ModuleTree.of(teacher), Set.of()).resolve(from, to);
    ArraySource cal = ArraySource.of(Map.of("input", train));
    Path dir = Files.createTempDirectory("graft-fixture-run");
    List<String> tensors = new java.util.ArrayList<>(List.of(region.entry(), region.exit()));
    List<String> ftInputs = Replacer.finetuneInputs(teacher, region);
    String ftTarget = Replacer.finetuneTarget(teacher);
    if (options.finetuneEpochs() > 0) {
      ftInputs.stream().filter(t -> !tensors.contains(t)).forEach(tensors::add);
      tensors.add(ftTarget);
    }
    try (ActivationStore store = Capture.run(teacher, tensors, cal,
        new Capture.Options(256, Device.CPU, dir, null))) {
      try {
        StoreData data = StoreData.of(store, List.of(region.entry()), region.exit(), 0.1,
            options.seed());
        StoreData tail = options.finetuneEpochs() == 0 ? null
            : StoreData.of(store, ftInputs, ftTarget, 0.1, options.seed());
        ReplaceResult r = Replacer.replace(teacher, region, spec, data, tail, options, loss);
        Evaluator.Result e = Evaluator.evaluate(r.graph(), teacher,
            ArraySource.of(Map.of("input", test)), labels, Device.CPU, 512);
        return new Outcome(r, e);
      } finally {
        store.delete();
      }
    }
  }
}
