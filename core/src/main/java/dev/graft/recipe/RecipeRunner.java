package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.io.FolderLock;
import dev.graft.onnx.OnnxWriter;
import dev.graft.region.ModuleTree;
import dev.graft.region.Region;
import dev.graft.report.Json;
import dev.graft.report.RunReport;
import dev.graft.verify.Evaluator;
import dev.graft.verify.Fidelity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Carries out a recipe: each step runs on the model the previous one produced; finished steps are
 * cached by content hash so an interrupted run resumes where it stopped and yields the same bytes;
 * before the first export the result is measured against the teacher on held-out data, and a
 * missed requirement stops the run before anything is exported.
 *
 * <pre>{@code
 * RunResult r = RecipeRunner.run(recipe, RecipeRunner.Options.in(Path.of("."), Path.of("out")));
 * }</pre>
 */
public final class RecipeRunner {
  private RecipeRunner() {}

  /**
   * Where relative inputs are read from and outputs written to, the step cache (null for none),
   * progress, samples per ONNX Runtime call, and the most calibration data held in memory: at
   * most {@code maxSamples} samples and {@code maxBytes} bytes of model inputs (captured
   * activations stream to disk and are not bounded by this).
   */
  public record Options(Path baseDir, Path outDir, Path cacheDir, RunListener listener,
      int captureBatch, int maxSamples, long maxBytes) {
    /** Default limits: 100,000 samples and a third of the Java heap, at most 1 GiB, of inputs. */
    public static Options in(Path baseDir, Path outDir) {
      return new Options(baseDir, outDir, outDir.resolve(".graft-cache"), RunListener.NONE, 64,
          100_000, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 3));
    }

    public Options withListener(RunListener l) {
      return new Options(baseDir, outDir, cacheDir, l, captureBatch, maxSamples, maxBytes);
    }

    public Options withCacheDir(Path dir) {
      return new Options(baseDir, outDir, dir, listener, captureBatch, maxSamples, maxBytes);
    }
  }

  /** The files a run reads: teacher, calibration, labels, test data and test labels. */
  public static List<Path> inputs(Recipe recipe, Options options) {
    List<Path> in = new ArrayList<>();
    java.util.function.Function<Path, Path> at =
        p -> p.isAbsolute() ? p : options.baseDir().resolve(p).normalize();
    in.add(at.apply(recipe.teacher()));
    for (String s : recipe.calibration()) {
      in.add(at.apply(Path.of(s.substring(s.indexOf('=') + 1))));
    }
    for (String s : recipe.testData()) {
      in.add(at.apply(Path.of(s.substring(s.indexOf('=') + 1))));
    }
    if (recipe.labels() != null) {
      in.add(at.apply(recipe.labels()));
    }
    if (recipe.testLabels() != null) {
      in.add(at.apply(recipe.testLabels()));
    }
    return in;
  }

  public static RunResult run(Recipe recipe, Options options) {
    long start = System.nanoTime();
    List<Path> inputs = inputs(recipe, options);
    for (Step s : recipe.steps()) {
      Path out = s instanceof Step.ExportOnnx e ? e.path()
          : s instanceof Step.ExportTflite t ? t.path() : null;
      if (out != null) {
        try {
          dev.graft.io.AtomicFiles.refuseInputs(
              out.isAbsolute() ? out : options.outDir().resolve(out).normalize(), inputs,
              "export");
        } catch (GraftException e) {
          throw Recipe.error(s.origin(), "%s", e.getMessage());
        }
      }
    }
    if (options.cacheDir() == null) {
      return run(recipe, options, start);
    }
    try (FolderLock lock = FolderLock.acquire(options.cacheDir(),
        "a graft run of teacher " + recipe.teacher().getFileName())) {
      return run(recipe, options, start);
    }
  }

  private static RunResult run(Recipe recipe, Options options, long start) {
    RunContext ctx = new RunContext(recipe, options);
    validate(ctx);
    StepCache cache = options.cacheDir() == null ? null : new StepCache(options.cacheDir());
    Graph model = ctx.teacher;
    List<RunReport.StepReport> steps = new ArrayList<>();
    List<RunReport.StepTiming> timings = new ArrayList<>();
    List<Map<String, Object>> regions = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    TfliteFigures tflite = new TfliteFigures();
    Measured measured = null;
    int index = 0;
    for (Step step : recipe.steps()) {
      options.listener().stepStarted(index, recipe.steps().size(), step);
      long t0 = System.nanoTime();
      if (Step.isExport(step) && measured == null) {
        measured = measure(ctx, model);
        if (!measured.unmet().isEmpty()) {
          break;
        }
      }
      Map<String, Object> section;
      boolean cached = false;
      if (Step.isExport(step)) {
        section = Exports.run(model, step, ctx, written, tflite);
      } else {
        String key = StepCache.key(OnnxWriter.toBytes(model), step, ctx.dataHash,
            recipe.seed());
        var hit = cache == null ? java.util.Optional.<StepCache.Entry>empty() : cache.get(key);
        StepOutcome out;
        if (hit.isPresent()) {
          cached = true;
          out = new StepOutcome(hit.get().model(), parse(hit.get().reportJson()));
        } else {
          out = runStep(model, step, ctx);
          if (cache != null) {
            cache.put(key, out.model(), Json.write(out.section()));
          }
        }
        model = out.model();
        // the section as the cache holds it, so a fresh run reports what a cached one will
        section = parse(Json.write(out.section()));
        if (step instanceof Step.Replace) {
          regions.add(section);
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      steps.add(new RunReport.StepReport(step.describe(), step.origin().toString(), section,
          Step.isExport(step) ? null
              : dev.graft.verify.RoleEvaluator.section(ctx.roleMetrics(model))));
      timings.add(new RunReport.StepTiming(step.describe(), cached, secs));
      options.listener().stepFinished(index++, step, cached, secs);
    }
    if (measured == null) {
      measured = measure(ctx, model);
    }
    RunReport report = new RunReport(OnnxWriter.GRAFT_VERSION, ctx.recipe.teacher().toString(),
        new RunReport.Calibration(ctx.samples.size(), ctx.calibrationAvailable,
            ctx.split.trainRows().length, ctx.split.heldOutRows().length),
        ctx.recipe.seed(), ctx.recipe.device().cliName(), measured.params(), measured.flops(),
        measured.fidelity(), measured.accuracy(), measured.roles(), measured.requirements(),
        regions, steps, written.stream().map(Path::toString).toList(), tflite.files(),
        new RunReport.Timings((System.nanoTime() - start) / 1e9, timings, measured.latency(),
            tflite.latencies()));
    return new RunResult(model, report, written, measured.unmet());
  }

  private static StepOutcome runStep(Graph model, Step step, RunContext ctx) {
    if (step instanceof Step.Replace r) {
      return ReplaceStep.run(model, r, ctx);
    }
    return ShrinkSteps.run(model, step, ctx);
  }

  /** A report section read back from JSON: integers as {@code Long}, fractions as Double. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) {
    return (Map<String, Object>) Json.parseTree(json, "a cached step report");
  }

  /**
   * Checks every step against the teacher before any work: names exist, regions do not overlap,
   * and each student fits its region as far as shapes tell (while only replacements, which keep
   * every other tensor's shape, come before it).
   */
  private static void validate(RunContext ctx) {
    List<Region> seen = new ArrayList<>();
    List<Step.Replace> owners = new ArrayList<>();
    ModuleTree tree = ModuleTree.of(ctx.teacher);
    boolean teacherShapes = true;
    for (Step s : ctx.recipe.steps()) {
      teacherShapes &= s instanceof Step.Replace;
      if (s instanceof Step.Replace r) {
        Region region = ReplaceStep.resolve(ctx.teacher, r);
        if (teacherShapes) {
          ReplaceStep.check(ctx.teacher, r, region, ctx.recipe.seed());
        }
        for (int i = 0; i < seen.size(); i++) {
          Region o = seen.get(i);
          if (region.firstNode() <= o.lastNode() && o.firstNode() <= region.lastNode()) {
            throw Recipe.error(r.origin(), "region %s overlaps region %s (%s)", region.label(),
                o.label(), owners.get(i).origin());
          }
        }
        seen.add(region);
        owners.add(r);
      } else if (s instanceof Step.Thin t) {
        matchOrFail(tree, t.layers(), s.origin());
      } else if (s instanceof Step.LowRank l) {
        matchOrFail(tree, l.layers(), s.origin());
      }
    }
    for (Requirement q : ctx.recipe.requirements()) {
      if (q.output() == null) {
        if (!q.metric().ofFidelity()) {
          throw Recipe.error(q.origin(), "%s needs an output, e.g. %s(\"%s\")", q.metric().key(),
              q.metric().key(), ctx.teacher.outputNames().get(0));
        }
        continue;
      }
      dev.graft.verify.OutputRole role = ctx.roles.get(q.output());
      if (role == null) {
        throw Recipe.error(q.origin(), "requirement %s names no output of the teacher (outputs:"
            + " %s)", q.describe(), String.join(", ", ctx.teacher.outputNames()));
      }
      if (!dev.graft.verify.RoleMetrics.keys(role.kind()).contains(q.metric().key())) {
        throw Recipe.error(q.origin(), "requirement %s: output %s is %s, which has %s",
            q.describe(), q.output(), role.kind().key(),
            String.join(", ", dev.graft.verify.RoleMetrics.keys(role.kind())));
      }
    }
  }

  private static void matchOrFail(ModuleTree tree, String pattern, Origin origin) {
    for (String p : pattern.split(",")) {
      try {
        tree.match(p.trim());
      } catch (GraftException e) {
        throw Recipe.error(origin, "%s", e.getMessage());
      }
    }
  }

  /** What {@link #measure} finds: the report's figures and the requirements missed. */
  private record Measured(RunReport.Counts params, RunReport.Counts flops,
      RunReport.Fidelity fidelity, RunReport.Shares accuracy, RunReport.OrtLatency latency,
      Map<String, Object> roles, List<RunReport.RequirementCheck> requirements,
      List<String> unmet) {}

  /** Fidelity (and accuracy) of the model against the teacher on held-out rows; unmet bounds. */
  private static Measured measure(RunContext ctx, Graph model) {
    Evaluator.Result r = Evaluator.evaluate(model, ctx.teacher, ctx.evaluation.source(),
        ctx.evaluationLabels, ctx.recipe.device(), ctx.options.captureBatch());
    Fidelity f = r.fidelity();
    ModuleTree before = ModuleTree.of(ctx.teacher);
    ModuleTree after = ModuleTree.of(model);
    var one = ctx.evaluation.rows(new int[] {0}).inputs();
    RunReport.OrtLatency latency = new RunReport.OrtLatency(
        dev.graft.verify.Latency.medianMs(ctx.teacher, one, ctx.recipe.device(), 5, 31),
        dev.graft.verify.Latency.medianMs(model, one, ctx.recipe.device(), 5, 31),
        "onnxruntime " + ctx.recipe.device().cliName() + ", batch 1, median of 31 runs");
    List<dev.graft.verify.RoleMetrics.Result> roles = ctx.roleMetrics(model);
    List<String> unmet = new ArrayList<>();
    List<RunReport.RequirementCheck> reqs = new ArrayList<>();
    for (Requirement q : ctx.recipe.requirements()) {
      double v = q.value(f, roles);
      boolean met = q.isMet(v);
      reqs.add(new RunReport.RequirementCheck(q.describe(), v, met));
      if (!met) {
        String at = q.origin().toString().isEmpty() ? "" : q.origin() + ": ";
        unmet.add(String.format(java.util.Locale.ROOT, "%s%s is %.6g, required %s",
            at, q.output() == null ? q.metric().key()
                : q.metric().key() + "(" + q.output() + ")", v, q.describe()));
      }
    }
    return new Measured(
        new RunReport.Counts(before.totalParams(), after.totalParams()),
        new RunReport.Counts(before.totalMacs(), after.totalMacs()),
        new RunReport.Fidelity(f.top1Agreement(), f.maxAbsErr(), f.relMse(), f.samples(),
            ctx.evaluationName),
        r.accuracy() == null ? null
            : new RunReport.Shares(r.referenceAccuracy(), r.accuracy()),
        latency, dev.graft.verify.RoleEvaluator.section(roles), reqs, unmet);
  }
}
