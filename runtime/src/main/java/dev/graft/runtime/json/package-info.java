/**
 * Minimal JSON for results, with no dependencies so the runtime stays light on Android: {@link
 * dev.graft.runtime.json.Json} writes and parses plain trees (maps, lists, strings, numbers,
 * booleans, null) and {@link dev.graft.runtime.json.BenchmarkResultJson} maps {@link
 * dev.graft.runtime.BenchmarkResult} to and from such trees.
 */
package dev.graft.runtime.json;
