/**
 * How a benchmark reads memory: the contract {@link dev.graft.runtime.memory.MemoryProbe} and its
 * implementations {@link dev.graft.runtime.memory.HeapProbe} (any JVM and Android), {@link
 * dev.graft.runtime.memory.ProcStatusProbe} (resident set size from {@code /proc/self/status},
 * Linux and Android) and {@link dev.graft.runtime.memory.JvmPoolProbe} (desktop JVMs only: it
 * uses {@code java.lang.management}, which Android lacks). {@link
 * dev.graft.runtime.memory.MemoryProbes#defaults()} picks those that work here.
 */
package dev.graft.runtime.memory;
