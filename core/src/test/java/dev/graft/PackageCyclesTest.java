package dev.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packages of {@code core} and of {@code runtime} (the dependency-free module Android apps
 * use) form layers: no package depends, directly or through others, on a package that depends on
 * it. Dependencies are read from the sources: imports and fully qualified names in code. Comments
 * and string literals are left out, so a class looked up by name ({@code runtime.Backends} loads
 * its optional backends reflectively) is no dependency.
 */
class PackageCyclesTest {
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.graft((?:\\.[a-z]\\w*)*)\\.[A-Z]");
  /** Comments, text blocks, string and char literals, matched from left to right. */
  private static final Pattern NOT_CODE = Pattern.compile(
      "(?s)/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'");

  @ParameterizedTest(name = "{0}")
  @CsvSource({"core, 10", "runtime, 6"})
  void modulePackagesHaveNoCycle(String module, int fewestPackages) {
    Map<String, Set<String>> deps = dependencies(Path.of("..", module, "src", "main", "java"));
    assertTrue(deps.size() >= fewestPackages, "found the packages: " + deps.keySet());
    assertEquals(List.of(), cycles(deps), "package cycles in " + module);
  }

  @Test
  void findsACycleWhereThereIsOne() {
    Map<String, Set<String>> deps = new TreeMap<>();
    deps.put("a", Set.of("b"));
    deps.put("b", Set.of("c"));
    deps.put("c", Set.of("a"));
    deps.put("d", Set.of("a"));
    assertEquals(List.of(List.of("a", "b", "c")), cycles(deps));
  }

  @Test
  void readsImportsAndQualifiedNamesButNotCommentsOrStrings() {
    String src = "package dev.graft.x;\nimport dev.graft.y.Y;\n/** {@link dev.graft.z.Z} */\n"
        + "class A { Object o = dev.graft.w.W.of(); } // dev.graft.v.V\n"
        + "class B { String s = \"a \\\" dev.graft.u.U // \"; char c = '\"'; dev.graft.t.T t; }\n"
        + "class C { String b = \"\"\"\n  dev.graft.s.S\n  \"\"\"; }\n";
    assertEquals(Set.of("dev.graft.y", "dev.graft.w", "dev.graft.t"), referenced(src));
  }

  /** Package name to the other packages its sources refer to. */
  static Map<String, Set<String>> dependencies(Path sources) {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String src = Files.readString(f);
        Matcher m = PACKAGE.matcher(src);
        if (!m.find()) {
          continue;
        }
        String pkg = m.group(1);
        Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        referenced(src).stream().filter(p -> !p.equals(pkg)).forEach(out::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deps;
  }

  static Set<String> referenced(String src) {
    String code = NOT_CODE.matcher(src).replaceAll(" ");
    Set<String> out = new TreeSet<>();
    Matcher r = REFERENCE.matcher(code.replaceFirst("(?m)^package\\s+[\\w.]+;", ""));
    while (r.find()) {
      out.add("dev.graft" + r.group(1));
    }
    return out;
  }

  /** The strongly connected components of more than one package (Tarjan), each sorted. */
  static List<List<String>> cycles(Map<String, Set<String>> deps) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<List<String>> out = new ArrayList<>();
    for (String v : deps.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, deps, index, low, stack, out);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> deps, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, List<List<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : deps.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, deps, index, low, stack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      TreeSet<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(List.copyOf(component));
      }
    }
  }
}
