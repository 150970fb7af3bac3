package dev.graft.region;

import java.util.List;

/**
 * A single-entry/single-exit run of consecutive nodes: what {@code --from A --to B} names. The
 * entry tensor is the one input the region reads from outside (constants and declared side inputs
 * aside); the exit tensor is the one result used outside it.
 */
public record Region(
    String from,
    String to,
    int firstNode,
    int lastNode,
    List<String> nodeNames,
    String entry,
    String exit,
    List<String> sideInputs) {

  /** How users see it: {@code from..to}. */
  public String label() {
    return from.equals(to) ? from : from + ".." + to;
  }
}
