/**
 * The latency result schema ({@code graft.bench/1}, {@code docs/bench-result.md}): {@link
 * dev.graft.runtime.json.BenchmarkResultJson} maps {@link dev.graft.runtime.BenchmarkResult} to
 * and from the plain trees that {@link dev.graft.io.Json} writes and parses.
 */
package dev.graft.runtime.json;
