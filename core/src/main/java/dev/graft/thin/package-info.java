/**
 * Channel thinning: {@link dev.graft.thin.Thinner} keeps a subset of each selected layer's channel
 * group (channels tied through per-channel ops, residual Adds and Concats share one selection),
 * chosen by greedy simultaneous orthogonal matching pursuit over every consumer's output with
 * least-squares refit, or by weight magnitude as the baseline.
 */
package dev.graft.thin;
