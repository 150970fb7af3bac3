package dev.graft.recipe;

import dev.graft.data.ArraySource;
import dev.graft.io.NdArray;
import dev.graft.exec.ActivationStore;
import dev.graft.exec.Capture;
import dev.graft.exec.Device;
import dev.graft.graph.Graph;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.region.RegionResolver;
import dev.graft.replace.ReplaceResult;
import dev.graft.replace.Replacer;
import dev.graft.replace.StudentSpec;
import dev.graft.train.StoreData;
import dev.graft.train.TrainOptions;
import dev.graft.verify.OutputRoles;
import dev.graft.verify.RoleEvaluator;
import dev.graft.verify.RoleMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces a region of a detector and fine-tunes it through the frozen rest on an objective, the
 * way {@code graft replace --finetune} does ({@link ReplaceStep}), then measures every output by
 * its role against the teacher on {@code test}.
 */
final class RoleFinetuneRun {
  private RoleFinetuneRun() {}

  record Outcome(Graph model, ReplaceResult replaced, List<RoleMetrics.Result> roles) {}

  static Outcome run(Graph teacher, OutputRoles roles, FinetuneObjective objective, String from,
      String to, StudentSpec spec, NdArray train, NdArray test, TrainOptions options)
      throws Exception {
    Graph model = objective.augment(teacher);
    Region region = new RegionResolver(ModuleTree.of(model), Set.of()).resolve(from, to);
    List<String> tensors = new ArrayList<>(List.of(region.entry(), region.exit()));
    List<String> ftInputs = Replacer.finetuneInputs(model, region, objective.tensor());
    if (options.finetuneEpochs() > 0) {
      ftInputs.stream().filter(t -> !tensors.contains(t)).forEach(tensors::add);
      tensors.add(objective.tensor());
    }
    Path dir = Files.createTempDirectory("graft-role-finetune");
    try (ActivationStore store = Capture.run(model, tensors, ArraySource.of(Map.of("input",
        train)), new Capture.Options(64, Device.CPU, dir, null))) {
      try {
        StoreData data = StoreData.of(store, List.of(region.entry()), region.exit(), 0.2,
            options.seed());
        StoreData tail = options.finetuneEpochs() == 0 ? null
            : StoreData.of(store, ftInputs, objective.tensor(), 0.2, options.seed());
        ReplaceResult r = Replacer.replace(model, region, spec, data, tail, options,
            objective.loss());
        Graph result = FinetuneObjective.strip(r.graph());
        ArraySource t = ArraySource.of(Map.of("input", test));
        List<RoleMetrics.Result> m = RoleEvaluator.compare(result,
            RoleEvaluator.outputs(teacher, t, Device.CPU, 16), roles, t, null, Device.CPU, 16);
        return new Outcome(result, r, m);
      } finally {
        store.delete();
      }
    }
  }
}
