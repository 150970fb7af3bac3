/**
 * On-device latency benchmarks shared by Android apps and the {@code graft} command.
 *
 * <p>Contracts at the top: {@link dev.graft.runtime.Backend} (one runtime holding one model),
 * {@link dev.graft.runtime.memory.MemoryProbe}; the harness {@link dev.graft.runtime.Benchmark}
 * configured by {@link dev.graft.runtime.BenchmarkOptions}; its output {@link
 * dev.graft.runtime.BenchmarkResult} (JSON schema {@code graft.bench/1}, read and written by
 * {@code BenchmarkResultJson} beside it) with {@link dev.graft.runtime.Stats}, {@link
 * dev.graft.runtime.OutputCheck} and {@link dev.graft.runtime.DeviceInfo}; data as {@link dev.graft.io.NdArray} and {@link
 * dev.graft.runtime.ReferenceData}; {@link dev.graft.runtime.BenchJob} turns string options (an
 * Android intent's extras, command-line flags) into a run and a written result file.
 *
 * <p>Implementations below: {@code tflite} and {@code ort} backends, {@code litert} (LiteRT in
 * Node) and {@code memory} (the probe contract and its implementations); arrays, {@code .npy}
 * and JSON come from the shared I/O layer {@code dev.graft.io}. The code compiles to Java 11
 * bytecode and uses only APIs present on Android 8 (API 26); it has no runtime dependencies.
 */
package dev.graft.runtime;
