/**
 * Execution on ONNX Runtime: sessions on the CPU or the CUDA provider ({@link
 * dev.graft.exec.OrtRunner}, which runs models with a fixed batch chunk by chunk), activation
 * capture into a file-backed store ({@link dev.graft.exec.Capture}, {@link
 * dev.graft.exec.ActivationStore}), and a symbolic batch for fixed-batch graphs where provably
 * safe ({@link dev.graft.exec.BatchRebinding}).
 */
package dev.graft.exec;
