/** Benchmark programs that print figures; run as main classes, never as tests. */
package dev.graft.bench;
