/**
 * Execution on ONNX Runtime: the one place sessions are opened, each with the options it lives
 * with ({@link dev.graft.exec.Session}); models run on the CPU or the CUDA provider ({@link
 * dev.graft.exec.OrtRunner}, which runs models with a fixed batch chunk by chunk); the one
 * recording path, on the device asked for ({@link dev.graft.exec.Capture}: batches streamed to a
 * sink, or into a file-backed {@link dev.graft.exec.ActivationStore}); and a symbolic batch for
 * fixed-batch graphs where provably safe ({@link dev.graft.exec.BatchRebinding}).
 */
package dev.graft.exec;
