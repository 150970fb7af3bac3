package dev.graft.replace;

import dev.graft.graph.Graph;
import dev.graft.region.Region;
import dev.graft.graph.TensorData;
import dev.graft.train.TrainOptions;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import dev.graft.train.TrainingData;
import java.util.List;
import java.util.Map;

/**
 * Replaces a region of a teacher by a fitted student: build it from the region's boundary shapes,
 * fit it to the recorded (entry, exit) activations, splice it in. The entry point of
 * {@code graft replace}.
 *
 * <pre>{@code
 * ReplaceResult r = Replacer.replace(teacher, region,
 *     StudentSpec.of("attention-ffn").withHeads(4).withFfn(128), activations,
 *     TrainOptions.defaults().withEpochs(40).withListener(bar));
 * OnnxWriter.write(r.graph(), out);
 * }</pre>
 *
 * The data's inputs must be named as the region's entry and side inputs, its target as the exit.
 */
public final class Replacer {
  private Replacer() {}

  public static ReplaceResult replace(Graph teacher, Region region, StudentSpec spec,
      TrainingData data, TrainOptions options) {
    Student student = Students.build(spec, teacher, region, options.seed());
    long start = System.nanoTime();
    Map<String, TensorData> params;
    double train;
    double held;
    List<dev.graft.train.EpochStats> curve = List.of();
    int bestEpoch = 0;
    double samplesPerSecond;
    int rows = data.rows(TrainingData.Split.TRAIN);
    switch (spec.kind()) {
      case LINEAR:
      case SKIP: {
        params = spec.kind() == StudentSpec.Kind.LINEAR
            ? LinearFit.fit(student, data, spec.ridge()) : Map.of();
        double fitted = (System.nanoTime() - start) / 1e9;
        Graph g = withParams(student.graph(), params);
        train = Trainer.score(g, data, TrainingData.Split.TRAIN, options.device(),
            options.threads())[1];
        held = Trainer.score(g, data, TrainingData.Split.HELD_OUT, options.device(),
            options.threads())[1];
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
    double seconds = (System.nanoTime() - start) / 1e9;
    Graph spliced = Splice.splice(teacher, region, student, params);
    return new ReplaceResult(spliced, spec.kind(), student.paramCount(), train, held, curve,
        bestEpoch, samplesPerSecond, seconds);
  }

  static Graph withParams(Graph g, Map<String, TensorData> params) {
    Graph.Builder b = g.toBuilder();
    params.values().forEach(b::initializer);
    return b.build();
  }
}
