package dev.graft.replace;

import dev.graft.GraftException;
import dev.graft.exec.BatchRebinding;
import dev.graft.graph.Graph;
import dev.graft.graph.TensorData;
import dev.graft.region.Region;
import dev.graft.train.EpochStats;
import dev.graft.train.TrainLoss;
import dev.graft.train.TrainOptions;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import dev.graft.train.TrainingData;
import dev.graft.train.TrainingData.Split;
import java.util.List;
import java.util.Map;

/**
 * Replaces a region of a teacher by a fitted student: build it from the region's boundary shapes,
 * fit it to the recorded (entry, exit) activations, splice it in, and optionally fine-tune it
 * through the frozen rest of the model on the teacher's outputs. The entry point of
 * {@code graft replace}.
 *
 * <pre>{@code
 * ReplaceResult r = Replacer.replace(teacher, region,
 *     new StudentSpec.AttentionFfn(4, 128), activations,
 *     TrainOptions.defaults().withEpochs(40).withListener(bar));
 * OnnxWriter.write(r.graph(), out);
 * }</pre>
 *
 * The data's inputs must be named as the region's entry and side inputs, its target as the exit.
 * To fine-tune, also record {@link #finetuneInputs} and {@link #finetuneTarget} over the same
 * calibration rows (same store, same split) and pass them with
 * {@link TrainOptions#withFinetuneEpochs}.
 */
public final class Replacer {
  private Replacer() {}

  public static ReplaceResult replace(Graph teacher, Region region, StudentSpec spec,
      TrainingData data, TrainOptions options) {
    if (options.finetuneEpochs() > 0) {
      throw GraftException.badInput("fine-tuning %s needs the teacher's outputs recorded "
          + "(Replacer.replace with fine-tuning data)", region.label());
    }
    return replace(teacher, region, spec, data, null, options);
  }

  /**
   * Fits, splices and, when {@code options.finetuneEpochs() > 0}, fine-tunes the student on
   * {@code finetune}: rows whose inputs are {@link #finetuneInputs} and target
   * {@link #finetuneTarget}, recorded on the teacher.
   */
  public static ReplaceResult replace(Graph teacher, Region region, StudentSpec spec,
      TrainingData data, TrainingData finetune, TrainOptions options) {
    return replace(teacher, region, spec, data, finetune, options, TrainLoss.MSE);
  }

  /**
   * As above, fine-tuning with {@code finetuneLoss} on the model's output (KL for a classifier's
   * logits); the held-out logits figures reported stay relative MSE, to compare losses.
   */
  public static ReplaceResult replace(Graph teacher, Region region, StudentSpec spec,
      TrainingData data, TrainingData finetune, TrainOptions options, TrainLoss finetuneLoss) {
    if (options.finetuneEpochs() > 0) {
      checkFinetuneData(teacher, region, finetune);
    }
    Student student = Students.build(spec, teacher, region, options.seed(), data);
    long start = System.nanoTime();
    Map<String, TensorData> params;
    double train;
    double held;
    List<EpochStats> curve = List.of();
    int bestEpoch = 0;
    double samplesPerSecond;
    int rows = data.rows(Split.TRAIN);
    switch (spec.kind()) {
      case LINEAR:
      case SKIP: {
        params = spec instanceof StudentSpec.Linear lin
            ? LinearFit.fit(student, data, lin.ridge()) : Map.of();
        double fitted = (System.nanoTime() - start) / 1e9;
        Graph g = withParams(student.graph(), params);
        train = Trainer.score(g, data, Split.TRAIN, options.device(), options.threads())[1];
        held = Trainer.score(g, data, Split.HELD_OUT, options.device(), options.threads())[1];
        samplesPerSecond = rows / Math.max(fitted, 1e-9);
        break;
      }
      default: {
        TrainResult r = Trainer.fit(student.graph(), student.params(), data, options);
        params = r.params();
        train = r.trainRelMse();
        held = r.heldOutRelMse();
        curve = r.curve();
        bestEpoch = r.bestEpoch();
        samplesPerSecond = r.samplesPerSecond();
      }
    }
    Graph spliced = Splice.splice(teacher, region, student, params);
    List<EpochStats> ftCurve = List.of();
    double ftHeld = Double.NaN;
    double ftStart = Double.NaN;
    if (options.finetuneEpochs() > 0 && !student.params().isEmpty()) {
      Graph tail = Finetune.graph(spliced, teacher, region, finetune.targetName());
      if (BatchRebinding.declaresFixedBatch(teacher)) {
        tail = BatchRebinding.symbolic(tail, "batch").orElseThrow(() -> GraftException.badInput(
            "--finetune: the model declares a fixed batch and Graft cannot prove that the layers"
                + " after region %s keep samples apart in a batch (a shape computed at run time,"
                + " or an op across samples); replace without --finetune", region.label()));
      }
      double startLoss = Trainer.score(tail, finetune, Split.HELD_OUT, options.device(),
          options.threads(), finetuneLoss)[1];
      ftStart = finetuneLoss == TrainLoss.MSE ? startLoss : Trainer.score(tail, finetune,
          Split.HELD_OUT, options.device(), options.threads())[1];
      TrainResult ft = Trainer.fit(tail, student.params(), finetune,
          options.withEpochs(options.finetuneEpochs()), finetuneLoss);
      ftCurve = ft.curve();
      // keep the fitted weights when no fine-tuning epoch beat them on the held-out rows (in the
      // fine-tuning loss)
      boolean better = !(ft.heldOutRelMse() >= startLoss);
      params = better ? ft.params() : params;
      ftHeld = !better ? ftStart : finetuneLoss == TrainLoss.MSE ? ft.heldOutRelMse()
          : Trainer.score(withParams(tail, params), finetune, Split.HELD_OUT, options.device(),
              options.threads())[1];
      spliced = Splice.splice(teacher, region, student, params);
      Graph g = withParams(student.graph(), params);
      train = Trainer.score(g, data, Split.TRAIN, options.device(), options.threads())[1];
      held = Trainer.score(g, data, Split.HELD_OUT, options.device(), options.threads())[1];
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new ReplaceResult(spliced, spec.kind(), student.paramCount(), train, held, curve,
        bestEpoch, samplesPerSecond, seconds, ftCurve, ftStart, ftHeld);
  }

  /**
   * The tensors fine-tuning reads, to record alongside the region's entry and exit: the entry,
   * the side inputs, and any model input the rest of the model reads past the region.
   */
  public static List<String> finetuneInputs(Graph teacher, Region region) {
    return Finetune.inputs(teacher, region);
  }

  /** The tensor fine-tuning matches by default: the teacher's first output. */
  public static String finetuneTarget(Graph teacher) {
    return teacher.outputNames().get(0);
  }

  /** The tensors fine-tuning on {@code target} reads (see {@link #finetuneInputs(Graph, Region)}). */
  public static List<String> finetuneInputs(Graph teacher, Region region, String target) {
    return Finetune.inputs(teacher, region, target);
  }

  private static void checkFinetuneData(Graph teacher, Region region, TrainingData finetune) {
    String target = finetune == null ? finetuneTarget(teacher) : finetune.targetName();
    List<String> in = finetuneInputs(teacher, region, target);
    if (finetune == null || !finetune.inputNames().equals(in)) {
      throw GraftException.badInput("fine-tuning %s needs data with inputs %s and target %s%s",
          region.label(), in, target, finetune == null ? ", got none"
              : ", got " + finetune.inputNames() + " and " + finetune.targetName());
    }
  }

  static Graph withParams(Graph g, Map<String, TensorData> params) {
    Graph.Builder b = g.toBuilder();
    params.values().forEach(b::initializer);
    return b.build();
  }
}
