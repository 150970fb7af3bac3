package dev.graft.replace;

import dev.graft.graph.Graph;
import java.util.List;

/**
 * A student ready to fit: a forward graph that reads the region's entry tensor (and side inputs)
 * under their teacher names, writes the region's exit tensor, and holds its trainable
 * {@code params} among its initializers; every other name starts with {@code prefix}.
 */
public record Student(StudentSpec.Kind kind, Graph graph, List<String> params, String prefix) {
  public Student {
    params = List.copyOf(params);
  }

  /** Number of trainable weights. */
  public long paramCount() {
    long n = 0;
    for (String p : params) {
      n += graph.initializer(p).orElseThrow().elementCount();
    }
    return n;
  }
}
