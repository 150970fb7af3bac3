/**
 * Exact simplifications ({@link dev.graft.simplify.Simplifier}): BatchNorm folding,
 * Identity/Dropout removal, constant folding, and stable-ReLU removal with layer collapse on an
 * input box (interval bounds, {@link dev.graft.simplify.Intervals}) or on calibration data
 * recorded through {@code dev.graft.exec.Capture}. Layers seen as matrices ({@code LinearLayer},
 * {@code Patches}) live in {@code dev.graft.linalg}; costs and layer patterns in {@code
 * dev.graft.region} ({@code Costs}, {@code ModuleTree.match}).
 */
package dev.graft.simplify;
