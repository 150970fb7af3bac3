/**
 * Calibration data: {@code .npy} files (streamed by rows), image folders and random samples, all as
 * {@link dev.graft.data.CalibrationSource}s checked against a model's input signature, and the
 * in-memory {@link dev.graft.data.NdArray} that flows to and from ONNX Runtime.
 */
package dev.graft.data;
