/**
 * Calibration data: {@code .npy} files (streamed by rows), image folders and random samples, all as
 * {@link dev.graft.data.CalibrationSource}s checked against a model's input signature, giving the
 * {@link dev.graft.io.NdArray}s (from the shared I/O layer) that flow to and from ONNX Runtime.
 */
package dev.graft.data;
