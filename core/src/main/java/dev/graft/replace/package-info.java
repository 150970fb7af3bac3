/**
 * Region replacement: build a small student from a region's boundary shapes
 * ({@link dev.graft.replace.Students}), fit it to recorded activations (closed form for
 * {@code linear}, {@link dev.graft.train.Trainer} otherwise), and splice it into the teacher in
 * place of the region's nodes ({@link dev.graft.replace.Splice}). {@link dev.graft.replace.Replacer}
 * is the command-shaped entry point.
 */
package dev.graft.replace;
