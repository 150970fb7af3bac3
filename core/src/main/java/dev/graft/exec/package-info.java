/**
 * Execution on ONNX Runtime: sessions on the CPU or the CUDA provider ({@link
 * dev.graft.exec.OrtRunner}), and activation capture into a file-backed store ({@link
 * dev.graft.exec.Capture}, {@link dev.graft.exec.ActivationStore}).
 */
package dev.graft.exec;
