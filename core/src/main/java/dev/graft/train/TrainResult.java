package dev.graft.train;

import dev.graft.graph.TensorData;
import java.util.List;
import java.util.Map;

/**
 * What a training run produced: the fitted parameters (those of the best held-out epoch), the loss
 * curve, relative MSEs on both splits at those parameters (sum of squared errors over sum of
 * squared targets), and training throughput in samples per second (session build and evaluation
 * passes excluded) with the process CPU seconds of the same timed loop (all threads; NaN where the
 * JVM does not report CPU time), and the number of equal batch shards each step ran as ({@code
 * BatchShards}; 1: the whole batch in one call).
 */
public record TrainResult(Map<String, TensorData> params, List<EpochStats> curve, int bestEpoch,
    double trainRelMse, double heldOutRelMse, double samplesPerSecond, double trainCpuSeconds,
    int shards) {}
