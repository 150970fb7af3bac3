package dev.graft.recipe;

import dev.graft.data.CalibrationSource;
import dev.graft.exec.ActivationStore;
import dev.graft.exec.Capture;
import dev.graft.graph.Graph;
import dev.graft.region.Costs;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.region.RegionResolver;
import dev.graft.replace.ReplaceResult;
import dev.graft.replace.Replacer;
import dev.graft.replace.Students;
import dev.graft.train.EpochStats;
import dev.graft.train.StoreData;
import dev.graft.train.TrainLoss;
import dev.graft.train.TrainOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces a region: capture its entry and exit over the calibration set into a file-backed
 * store, fit the student on the training rows (held-out rows for early stopping), splice it in.
 */
final class ReplaceStep {
  private ReplaceStep() {}

  static Region resolve(Graph model, Step.Replace s) {
    try {
      return new RegionResolver(ModuleTree.of(model), Set.copyOf(s.sideInputs()))
          .resolve(s.from(), s.to());
    } catch (dev.graft.GraftException e) {
      throw Recipe.error(s.origin(), "%s", e.getMessage());
    }
  }

  /**
   * Builds the student without data and drops it: the refusals that depend on shapes alone (a
   * linear student's feature limit, a student that does not fit the region) then come before any
   * recording.
   */
  static void check(Graph model, Step.Replace s, Region region, long seed) {
    try {
      Students.build(s.student(), model, region, seed);
    } catch (dev.graft.GraftException e) {
      throw e.exitStatus() == 2 ? Recipe.error(s.origin(), "%s", e.getMessage()) : e;
    }
  }

  static StepOutcome run(Graph teacher, Step.Replace s, RunContext ctx) {
    Region region = resolve(teacher, s);
    // only fine-tuning needs the objective (several outputs need their shapes known)
    String first = teacher.outputNames().get(0);
    FinetuneObjective objective = s.finetune() > 0 ? FinetuneObjective.of(teacher, ctx.roles)
        : new FinetuneObjective(first, TrainLoss.MSE, first);
    // fine-tuning on several outputs records them side by side: one more output, stripped after
    Graph model = objective.augment(teacher);
    check(model, s, region, ctx.recipe.seed());
    List<String> inputs = new ArrayList<>();
    inputs.add(region.entry());
    inputs.addAll(region.sideInputs());
    List<String> tensors = new ArrayList<>(inputs);
    tensors.add(region.exit());
    String finetuneTarget = objective.tensor();
    List<String> finetuneInputs = s.finetune() > 0
        ? Replacer.finetuneInputs(model, region, finetuneTarget) : List.of();
    if (s.finetune() > 0) {
      for (String t : finetuneInputs) {
        if (!tensors.contains(t)) {
          tensors.add(t);
        }
      }
      if (!tensors.contains(finetuneTarget)) {
        tensors.add(finetuneTarget);
      }
    }
    RunListener listener = ctx.options.listener();
    Path dir = captureFolder(ctx);
    CalibrationSource all = ctx.samples.source();
    try (ActivationStore store = Capture.run(model, tensors, all,
        new Capture.Options(ctx.options.captureBatch(), ctx.recipe.device(), dir,
            (done, total) -> listener.progress("capture " + region.label(), done, total)))) {
      try {
        StoreData data = StoreData.of(store, inputs, region.exit(), ctx.recipe.heldOut(),
            ctx.recipe.seed());
        TrainOptions t = TrainOptions.defaults().withSeed(ctx.recipe.seed())
            .withDevice(ctx.recipe.device()).withListener(listener::epochDone)
            .withFinetuneEpochs(s.finetune());
        if (s.epochs() > 0) {
          t = t.withEpochs(s.epochs());
        }
        StoreData finetune = s.finetune() > 0 ? StoreData.of(store, finetuneInputs,
            finetuneTarget, ctx.recipe.heldOut(), ctx.recipe.seed()) : null;
        TrainLoss loss = objective.loss();
        ReplaceResult r = Replacer.replace(model, region, s.student(), data, finetune, t, loss);
        return new StepOutcome(FinetuneObjective.strip(r.graph()),
            section(region, s, r, teacher, loss, objective));
      } finally {
        store.delete();
      }
    }
  }

  /**
   * Where activations are recorded: inside the run's cache folder, so that a run killed while
   * training leaves its recording in one known place that the next run clears; a temporary folder
   * when there is no cache.
   */
  private static Path captureFolder(RunContext ctx) {
    try {
      Path cache = ctx.options.cacheDir();
      if (cache == null) {
        return dev.graft.io.Temporaries.folder("graft-capture");
      }
      Path dir = cache.resolve("capture");
      if (Files.isDirectory(dir)) {
        try (var old = Files.list(dir)) {
          for (Path p : old.toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw dev.graft.GraftException.failure("cannot create a capture folder: %s", e.getMessage());
    }
  }

  private static Map<String, Object> section(Region region, Step.Replace s, ReplaceResult r,
      Graph before, TrainLoss loss, FinetuneObjective objective) {
    Costs costs = Costs.of(before);
    long regionParams = 0;
    for (String n : region.nodeNames()) {
      regionParams += costs.newParams(before.node(n).orElseThrow());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("region", region.label());
    m.put("entry", region.entry());
    m.put("exit", region.exit());
    m.put("student", s.student().kind().cliName());
    m.put("student_params", r.studentParams());
    m.put("region_params", regionParams);
    m.put("train_rel_mse", r.trainRelMse());
    m.put("heldout_rel_mse", r.heldOutRelMse());
    m.put("best_epoch", r.bestEpoch());
    m.put("samples_per_second", r.samplesPerSecond());
    m.put("fit_seconds", r.fitSeconds());
    List<Map<String, Object>> curve = new ArrayList<>();
    for (EpochStats e : r.lossCurve()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("epoch", e.epoch());
      p.put("train_mse", e.trainMse());
      p.put("heldout_mse", e.heldOutMse());
      p.put("heldout_rel_mse", e.heldOutRelMse());
      curve.add(p);
    }
    m.put("loss_curve", curve);
    if (r.finetuned()) {
      Map<String, Object> ft = new LinkedHashMap<>();
      ft.put("epochs", r.finetuneCurve().size());
      ft.put("loss", loss.key());
      ft.put("target", objective.augments() ? objective.sources() : objective.tensor());
      if (objective.augments()) {
        ft.put("terms", loss.terms().stream().map(t -> t.kind().name().toLowerCase(
            java.util.Locale.ROOT)).toList());
      }
      ft.put("heldout_logits_rel_mse_before", r.finetuneStartRelMse());
      ft.put("heldout_logits_rel_mse_after", r.finetuneHeldOutRelMse());
      m.put("finetune", ft);
    }
    return m;
  }
}
