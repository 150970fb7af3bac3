package dev.graft.region;

import java.util.ArrayList;
import java.util.List;

/**
 * Module paths from node names. PyTorch's exporter scopes node names by the modules it passed
 * through ({@code /stage1/stage1.0/c1/Conv}); each scope repeats its parent's name before a dot, so
 * the path is {@code stage1.0.c1}. Names without scopes (older exporters) are their own module.
 */
public final class ModulePaths {
  private ModulePaths() {}

  /** The module paths enclosing a node, outermost first; empty for a node at the top level. */
  public static List<String> ancestors(String nodeName) {
    List<String> out = new ArrayList<>();
    if (!nodeName.startsWith("/")) {
      out.add(nodeName);
      return out;
    }
    String[] parts = nodeName.substring(1).split("/");
    String path = "";
    String last = "";
    for (int i = 0; i < parts.length - 1; i++) {
      String c = parts[i];
      if (c.isEmpty()) {
        continue;
      }
      if (!last.isEmpty() && c.startsWith(last + ".")) {
        path = path + c.substring(last.length());
      } else {
        path = path.isEmpty() ? c : path + "." + c;
      }
      out.add(path);
      last = c;
    }
    return out;
  }

  /** The innermost module of a node, or its own name when it stands at the top level. */
  public static String of(String nodeName) {
    List<String> a = ancestors(nodeName);
    if (a.isEmpty()) {
      return nodeName.startsWith("/") ? nodeName.substring(1) : nodeName;
    }
    return a.get(a.size() - 1);
  }
}
