/**
 * LiteRT (TensorFlow Lite in WebAssembly) on the desktop, through the Node program in {@code
 * tools/litert-runner}: {@link dev.graft.runtime.litert.LiteRtNodeRunner} runs it as a child
 * process and turns its JSON into a {@link dev.graft.runtime.BenchmarkResult}. Desktop only.
 */
package dev.graft.runtime.litert;
