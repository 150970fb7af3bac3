package dev.graft.region;

import dev.graft.graph.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Module paths of nodes, from what the exporter left, in this order: the node's metadata {@code
 * pkg.torch.onnx.name_scopes} (PyTorch's dynamo exporter: {@code ['', 'layer1', 'layer1.0',
 * 'layer1.0.bn1', '_native_batch_norm_legit_no_training_1']}), its metadata {@code namespace}
 * ({@code ": m.Net/layer1: Sequential/layer1.0: Basic/relu_1: aten.relu.default"}), scopes in its
 * name (the TorchScript exporter: {@code /stage1/stage1.0/c1/Conv}), else the node name itself.
 * The last scope names the operation, not a module. Each scope either repeats its parent's path
 * before a dot ({@code layer1.0}) or is local to it ({@code 0}); both give {@code layer1.0}. A node
 * the exporter fused (Conv with its BatchNorm) keeps the module its metadata names.
 */
public final class ModulePaths {
  /** Metadata key of PyTorch's dynamo exporter holding a node's module scopes. */
  public static final String NAME_SCOPES = "pkg.torch.onnx.name_scopes";
  /** Metadata key of PyTorch's dynamo exporter holding "name: class" scopes joined by '/'. */
  public static final String NAMESPACE = "namespace";

  private static final Pattern QUOTED = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"");

  private ModulePaths() {}

  /** The scopes of a node, outermost first, the last one naming the operation; null if none. */
  private static List<String> scopes(Node n) {
    String s = n.metadata().get(NAME_SCOPES);
    if (s != null) {
      List<String> out = new ArrayList<>();
      Matcher m = QUOTED.matcher(s);
      while (m.find()) {
        out.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    String ns = n.metadata().get(NAMESPACE);
    if (ns != null && !ns.isBlank()) {
      List<String> out = new ArrayList<>();
      for (String part : ns.split("/")) {
        int colon = part.indexOf(':');
        out.add((colon < 0 ? part : part.substring(0, colon)).trim());
      }
      return out;
    }
    if (n.name().startsWith("/")) {
      return List.of(n.name().substring(1).split("/"));
    }
    return null;
  }

  /** True when the exporter recorded the node's modules (metadata or a scoped name). */
  public static boolean isScoped(Node n) {
    return scopes(n) != null;
  }

  /** The module paths enclosing a node, outermost first; empty for a node at the top level. */
  public static List<String> ancestors(Node n) {
    List<String> s = scopes(n);
    if (s == null) {
      return new ArrayList<>(List.of(n.name()));
    }
    return join(s.subList(0, Math.max(0, s.size() - 1)));
  }

  /** The innermost module of a node, or the operation's own name when it is at the top level. */
  public static String of(Node n) {
    List<String> s = scopes(n);
    if (s == null) {
      return n.name();
    }
    List<String> a = join(s.subList(0, Math.max(0, s.size() - 1)));
    return a.isEmpty() ? (s.isEmpty() ? n.name() : s.get(s.size() - 1)) : a.get(a.size() - 1);
  }

  /** The module paths enclosing a node of this name, outermost first (scoped names only). */
  public static List<String> ancestors(String nodeName) {
    if (!nodeName.startsWith("/")) {
      return new ArrayList<>(List.of(nodeName));
    }
    String[] parts = nodeName.substring(1).split("/");
    return join(List.of(parts).subList(0, parts.length - 1));
  }

  /** The innermost module of a node of this name, or the name when it stands at the top level. */
  public static String of(String nodeName) {
    List<String> a = ancestors(nodeName);
    if (a.isEmpty()) {
      return nodeName.startsWith("/") ? nodeName.substring(1) : nodeName;
    }
    return a.get(a.size() - 1);
  }

  private static List<String> join(List<String> scopes) {
    List<String> out = new ArrayList<>();
    String path = "";
    String last = "";
    for (String c : scopes) {
      if (c.isEmpty()) {
        continue;
      }
      if (!last.isEmpty() && c.startsWith(last + ".")) {
        path = path + c.substring(last.length());
      } else if (!path.isEmpty() && c.startsWith(path + ".")) {
        path = c;
      } else {
        path = path.isEmpty() ? c : path + "." + c;
      }
      out.add(path);
      last = c;
    }
    return out;
  }
}
