package dev.graft.region;

import dev.graft.graph.Shape;
import java.util.Map;

/**
 * One module of a model's module tree: its path ({@code stage1.0}), depth (1 for top-level),
 * the range of node indices it spans, its own and its descendants' weight elements and
 * multiply-accumulates per sample, operator counts, and the shape of the tensor it outputs last.
 */
public record Module(
    String path,
    int depth,
    int firstNode,
    int lastNode,
    long params,
    long macs,
    Map<String, Integer> opCounts,
    Shape outputShape) {

  /** The name of the module within its parent: the part after the parent's path. */
  public String shortName(String parentPath) {
    return parentPath.isEmpty() ? path : path.substring(parentPath.length() + 1);
  }

  public boolean contains(int nodeIndex) {
    return nodeIndex >= firstNode && nodeIndex <= lastNode;
  }
}
