package dev.graft.simplify;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.region.ModulePaths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Picks layers by a pattern: comma-separated globs ({@code *} any text, {@code ?} one character)
 * matched against each candidate node's module path ({@code stage2.0.c1}), node name and output
 * tensor name. A module path also selects every layer under it ({@code stage2} selects
 * {@code stage2.0.c1}).
 */
public final class LayerPattern {
  private final String text;
  private final List<Pattern> globs = new ArrayList<>();

  private LayerPattern(String text) {
    this.text = text;
    for (String part : text.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        globs.add(glob(p));
      }
    }
  }

  public static LayerPattern of(String text) {
    if (text == null || text.isBlank()) {
      throw GraftException.badInput("layer pattern is empty (--layers PATTERN, e.g. 'stage2.*')");
    }
    return new LayerPattern(text);
  }

  private static Pattern glob(String g) {
    StringBuilder sb = new StringBuilder();
    for (char c : g.toCharArray()) {
      sb.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(sb.toString());
  }

  public boolean matches(Node n) {
    List<String> names = new ArrayList<>(ModulePaths.ancestors(n.name()));
    names.add(n.name());
    names.add(n.output(0));
    for (Pattern p : globs) {
      for (String name : names) {
        if (p.matcher(name).matches()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The candidate nodes (in graph order) that match; none is bad input, with a one-line message
   * that names the pattern and lists some valid layer names.
   */
  public List<Node> select(Graph g, Predicate<Node> candidate, String what) {
    List<Node> all = g.nodes().stream().filter(candidate).toList();
    List<Node> hit = all.stream().filter(this::matches).toList();
    if (hit.isEmpty()) {
      List<String> names = all.stream().map(LayerPattern::displayName).limit(8).toList();
      throw GraftException.badInput("layer pattern '%s' matches no %s; %s are: %s%s", text, what,
          what, String.join(", ", names), all.size() > 8 ? ", ..." : "");
    }
    return hit;
  }

  /** The module path of a node, or its name when it has none. */
  public static String displayName(Node n) {
    return ModulePaths.of(n.name());
  }

  @Override
  public String toString() {
    return text;
  }
}
