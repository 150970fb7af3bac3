/**
 * The ONNX Runtime backend ({@code ort}): {@link dev.graft.runtime.ort.OrtBackend} runs a model
 * in an {@code OrtSession}; {@link dev.graft.runtime.ort.OrtPlan} maps benchmark options to
 * session settings and an execution provider (CPU, XNNPACK, NNAPI) without touching native code;
 * {@link dev.graft.runtime.ort.OrtLeftovers} removes what ONNX Runtime leaves in the temporary
 * folder.
 * Needs {@code com.microsoft.onnxruntime:onnxruntime} on the desktop or {@code
 * onnxruntime-android} on phones; this library declares neither at run time.
 */
package dev.graft.runtime.ort;
