/**
 * The graph IR: {@link dev.graft.graph.Graph} of {@link dev.graft.graph.Node}s over one operator
 * enum {@link dev.graft.graph.Op}, constant tensors, symbolic shapes and their inference, and the
 * validity rules in {@link dev.graft.graph.GraphValidator}.
 */
package dev.graft.graph;
