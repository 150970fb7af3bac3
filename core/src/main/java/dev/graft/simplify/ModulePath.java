package dev.graft.simplify;

import java.util.ArrayList;
import java.util.List;

/**
 * Module paths from PyTorch's scoped node names: {@code /stage1/stage1.0/c1/Conv} is the node of
 * module {@code stage1.0.c1}. Each scope segment names a child relative to its parent, except that
 * containers repeat the parent's name ({@code stage1.0} under {@code stage1}).
 */
public final class ModulePath {
  private ModulePath() {}

  /** The module path of a node name, or "" when the name carries no scope. */
  public static String of(String nodeName) {
    if (!nodeName.startsWith("/")) {
      return "";
    }
    String[] parts = nodeName.substring(1).split("/");
    List<String> scopes = new ArrayList<>();
    for (int i = 0; i < parts.length - 1; i++) {
      scopes.add(parts[i]);
    }
    String path = "";
    String last = "";
    for (String s : scopes) {
      if (s.isEmpty()) {
        continue;
      }
      if (!last.isEmpty() && s.startsWith(last + ".")) {
        path = path + s.substring(last.length());
      } else {
        path = path.isEmpty() ? s : path + "." + s;
      }
      last = s;
    }
    return path;
  }
}
