package dev.graft.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware access to a parsed JSON object: every error names the full field path, e.g.
 * {@code Result field 'stats.p50_ms' is missing}.
 */
final class Fields {
  private final Map<?, ?> map;
  private final String prefix;

  private Fields(Map<?, ?> map, String prefix) {
    this.map = map;
    this.prefix = prefix;
  }

  static Fields root(Object tree) {
    if (!(tree instanceof Map)) {
      throw new IllegalArgumentException("A result must be a JSON object");
    }
    return new Fields((Map<?, ?>) tree, "");
  }

  String path(String key) {
    return prefix + key;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  @SuppressWarnings("unchecked")
  Set<String> keys() {
    return (Set<String>) map.keySet();
  }

  private Object get(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new IllegalArgumentException("Result field '" + path(key) + "' is missing");
    }
    return v;
  }

  private IllegalArgumentException wrong(String key, String expected) {
    return new IllegalArgumentException(
        "Result field '" + path(key) + "' must be " + expected + ", got " + map.get(key));
  }

  String string(String key) {
    Object v = get(key);
    if (!(v instanceof String)) {
      throw wrong(key, "a string");
    }
    return (String) v;
  }

  String optString(String key) {
    Object v = map.get(key);
    return v == null ? null : String.valueOf(v);
  }

  boolean bool(String key) {
    Object v = get(key);
    if (!(v instanceof Boolean)) {
      throw wrong(key, "true or false");
    }
    return (Boolean) v;
  }

  long longValue(String key) {
    Object v = get(key);
    if (!(v instanceof Long)) {
      throw wrong(key, "an integer");
    }
    return (Long) v;
  }

  /** A number; null (written for a non-finite value) reads as NaN. */
  double doubleValue(String key) {
    Object v = map.get(key);
    if (v == null && map.containsKey(key)) {
      return Double.NaN;
    }
    v = get(key);
    if (!(v instanceof Number)) {
      throw wrong(key, "a number");
    }
    return ((Number) v).doubleValue();
  }

  Fields object(String key) {
    Object v = get(key);
    if (!(v instanceof Map)) {
      throw wrong(key, "an object");
    }
    return new Fields((Map<?, ?>) v, path(key) + ".");
  }

  List<Fields> objects(String key) {
    List<Fields> out = new ArrayList<>();
    List<?> l = list(key);
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map)) {
        throw new IllegalArgumentException(
            "Result field '" + path(key) + "[" + i + "]' must be an object");
      }
      out.add(new Fields((Map<?, ?>) l.get(i), path(key) + "[" + i + "]."));
    }
    return out;
  }

  List<?> list(String key) {
    Object v = get(key);
    if (!(v instanceof List)) {
      throw wrong(key, "an array");
    }
    return (List<?>) v;
  }

  long[] longs(String key) {
    List<?> l = list(key);
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long)) {
        throw wrong(key, "an array of integers");
      }
      out[i] = (Long) l.get(i);
    }
    return out;
  }

  double[] doubles(String key) {
    List<?> l = list(key);
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number)) {
        throw wrong(key, "an array of numbers");
      }
      out[i] = ((Number) l.get(i)).doubleValue();
    }
    return out;
  }

  List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    for (Object o : list(key)) {
      if (!(o instanceof String)) {
        throw wrong(key, "an array of strings");
      }
      out.add((String) o);
    }
    return out;
  }
}
