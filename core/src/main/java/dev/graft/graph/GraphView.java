package dev.graft.graph;

import java.util.List;
import java.util.Optional;

/**
 * What a rewrite rule may ask of the graph it matches in: producers, consumers, constants, known
 * types and shapes, and which names are taken. {@link Graph} answers it, and so does the graph
 * {@link Rewriter} edits in place.
 */
public interface GraphView {
  /** The node that writes a tensor; empty for inputs and initializers. */
  Optional<Node> producer(String tensor);

  /** The nodes that read a tensor, in graph order, once per input slot that reads it. */
  List<Node> consumers(String tensor);

  /** The constant value of a tensor: an initializer or the output of a Constant node. */
  Optional<TensorData> constant(String tensor);

  /** The type and shape of a tensor, where known. */
  Optional<ValueInfo> info(String tensor);

  /** Whether the tensor is an output of the graph. */
  boolean isOutput(String tensor);

  /** Whether a name is taken by an initializer or a tensor some node writes. */
  boolean isTaken(String name);
}
