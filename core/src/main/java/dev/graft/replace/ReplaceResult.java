package dev.graft.replace;

import dev.graft.graph.Graph;
import dev.graft.train.EpochStats;
import java.util.List;

/**
 * The outcome of one replacement: the spliced model, the student's kind and weight count, its
 * relative MSE (sum of squared errors over sum of squared targets, at the region's exit) on the
 * training and held-out rows, the loss curve per epoch (empty for the closed-form {@code linear}
 * and for {@code skip}), the epoch whose weights were kept, training throughput in samples per
 * second, and the wall time of fitting in seconds.
 */
public record ReplaceResult(Graph graph, StudentSpec.Kind student, long studentParams,
    double trainRelMse, double heldOutRelMse, List<EpochStats> lossCurve, int bestEpoch,
    double samplesPerSecond, double fitSeconds) {}
