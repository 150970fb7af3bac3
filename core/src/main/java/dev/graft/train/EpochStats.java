package dev.graft.train;

/**
 * Losses after one epoch: the mean training MSE over its steps and the held-out MSE and relative
 * MSE (sum of squared errors over sum of squared targets) at its end; NaN when there is no
 * held-out data.
 */
public record EpochStats(int epoch, double trainMse, double heldOutMse, double heldOutRelMse) {}
