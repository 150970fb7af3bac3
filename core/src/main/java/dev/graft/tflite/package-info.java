/**
 * Graft's own TFLite writer: lowering of the IR to TFLite builtin operators in NHWC layout
 * ({@link dev.graft.tflite.TfliteConverter}), fp16 and int8 precisions, and verification of every
 * written model in LiteRT against ONNX Runtime ({@link dev.graft.tflite.LiteRt}, {@link
 * dev.graft.tflite.Verification}).
 */
package dev.graft.tflite;
