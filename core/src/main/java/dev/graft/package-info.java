/**
 * Graft's core: graph IR, ONNX I/O, execution, and the compression methods.
 *
 * <p>Every user-facing problem surfaces as a {@link dev.graft.GraftException}.
 */
package dev.graft;
