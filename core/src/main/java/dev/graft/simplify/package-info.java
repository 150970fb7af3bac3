/**
 * Exact simplifications ({@link dev.graft.simplify.Simplifier}): BatchNorm folding,
 * Identity/Dropout removal, constant folding, and stable-ReLU removal with layer collapse on an
 * input box (interval bounds, {@link dev.graft.simplify.Intervals}) or on calibration data. Also
 * the layer helpers that thinning and low-rank share: {@link dev.graft.simplify.LinearLayer},
 * {@link dev.graft.simplify.Patches} and
 * {@link dev.graft.simplify.Recorder} (streams activations batch by batch). Costs and layer
 * patterns live in {@code dev.graft.region} ({@code Costs}, {@code ModuleTree.match}).
 */
package dev.graft.simplify;
