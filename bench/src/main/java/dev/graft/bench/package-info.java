/** Benchmark programs that print figures; run them with {@code bench/run NAME}, never as tests. */
package dev.graft.bench;
