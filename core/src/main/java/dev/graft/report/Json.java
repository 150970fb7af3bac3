package dev.graft.report;

import dev.graft.GraftException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * JSON for reports and {@code --json}: typed reports (records) turned into trees that Graft's one
 * JSON writer, {@link dev.graft.io.Json}, writes by one policy, so the same report always gives
 * the same bytes and every browser can read it:
 *
 * <ul>
 *   <li>records in component order, names in snake case ({@code top1Agreement} → {@code
 *       top1_agreement}), null components left out; ordered maps ({@code LinkedHashMap}, sorted
 *       maps) in their order, any other map ({@code HashMap}, {@code Map.of}) with keys sorted;
 *   <li>integers stay integers and fractions stay fractions: a value read back with {@link
 *       #parseTree} is written again as it was ({@code 70922} never becomes {@code 70922.0});
 *   <li>a non-finite number is {@code null}, and in an object the key {@code NAME_reason} beside
 *       it says what it was ({@code "not finite: Infinity"}); JSON has no such numbers.
 * </ul>
 *
 * <pre>{@code
 * Json.writeFile(Path.of("report.json"), report);   // a record, map or list
 * }</pre>
 */
public final class Json {
  private Json() {}

  /** {@code {"before": before, "after": after}}, in that order, for report sections. */
  public static Map<String, Object> beforeAfter(long before, long after) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("before", before);
    m.put("after", after);
    return m;
  }

  /** The value as JSON by the policy above, pretty-printed. */
  public static String write(Object value) {
    return dev.graft.io.Json.write(tree(value));
  }

  /** The value as a file ending in a newline, written atomically. */
  public static void writeFile(Path file, Object value) {
    dev.graft.io.Json.writeFile(file, tree(value));
  }

  /**
   * The value as a JSON tree by the policy above: {@code Map<String, Object>} in key order,
   * {@code List<Object>}, {@code String}, {@code Long}/{@code Integer}, finite {@code Double},
   * {@code Boolean} or null.
   *
   * @throws IllegalArgumentException for a type the policy does not name
   */
  public static Object tree(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? v : null;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      return v;
    }
    if (v instanceof CharSequence || v instanceof Path || v instanceof Enum<?>) {
      return v.toString();
    }
    if (v instanceof Record r) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object x = component(r, c);
        if (x != null) {
          put(m, snake(c.getName()), x);
        }
      }
      return m;
    }
    if (v instanceof Map<?, ?> map) {
      Map<?, ?> ordered = map instanceof LinkedHashMap || map instanceof SortedMap ? map
          : sorted(map);
      Map<String, Object> m = new LinkedHashMap<>();
      ordered.forEach((k, x) -> put(m, String.valueOf(k), x));
      return m;
    }
    if (v instanceof Collection<?> c) {
      Collection<?> ordered = c instanceof List || c instanceof LinkedHashSet
          || c instanceof SortedSet ? c : c.stream().sorted(java.util.Comparator.comparing(String::valueOf)).toList();
      List<Object> l = new ArrayList<>();
      ordered.forEach(x -> l.add(tree(x)));
      return l;
    }
    if (v.getClass().isArray()) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < Array.getLength(v); i++) {
        l.add(tree(Array.get(v, i)));
      }
      return l;
    }
    throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
  }

  /** A non-finite number becomes null with its reason under {@code key_reason} beside it. */
  private static void put(Map<String, Object> m, String key, Object x) {
    m.put(key, tree(x));
    if ((x instanceof Double || x instanceof Float)
        && !Double.isFinite(((Number) x).doubleValue())) {
      m.put(key + "_reason", "not finite: " + x);
    }
  }

  private static Map<String, Object> sorted(Map<?, ?> map) {
    Map<String, Object> m = new TreeMap<>();
    map.forEach((k, x) -> m.put(String.valueOf(k), x));
    return m;
  }

  private static Object component(Record r, RecordComponent c) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
    }
  }

  /** {@code top1Agreement} → {@code top1_agreement}. */
  static String snake(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('_').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Reads JSON back as a tree {@link #tree} would give: objects as ordered maps, a number written
   * without fraction or exponent as {@code Long}, any other as {@code Double}; bad input (exit 2)
   * naming {@code where} when it is not JSON.
   */
  public static Object parseTree(String text, String where) {
    try {
      return dev.graft.io.Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw GraftException.badInput("%s is not valid JSON: %s", where, e.getMessage());
    }
  }

  /** Like {@link #parseTree}, for a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text, String where) {
    if (parseTree(text, where) instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw GraftException.badInput("%s is not a JSON object", where);
  }
}
