package dev.graft.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Graft's one JSON reader and writer, for trees of {@code Map<String, ?>}, {@code List<?>},
 * primitive arrays, {@code String}, {@code Number}, {@code Boolean} and {@code null}.
 *
 * <pre>{@code
 * Map<String, Object> m = new LinkedHashMap<>();
 * m.put("params", 70922L);
 * m.put("rel_mse", 0.0123);
 * Json.writeFile(Path.of("report.json"), m);
 * Map<String, Object> back = Json.parseObject(Files.readString(Path.of("report.json")));
 * }</pre>
 *
 * <p>One policy for every file and {@code --json} output, so that the same values always give the
 * same bytes, whether they were computed now or read back from a cache:
 *
 * <ul>
 *   <li>Key order is stable: a {@link LinkedHashMap}, {@link SortedMap} or {@link EnumMap} is
 *       written in its own order; any other map ({@code Map.of}, {@code HashMap}, whose order may
 *       change from one run to the next) in key order.
 *   <li>A value's type decides how it is written: integer types ({@code int}, {@code long}, {@link
 *       BigInteger}, ...) as integers ({@code 70922}); {@code float} and {@code double} always with
 *       a fraction or an exponent ({@code 70922.0}, {@code 1.0E-5}), in the shortest form that
 *       reads back to the same value. {@link #parse} reads integer literals back as {@code Long}
 *       and the others as {@code Double}, so writing what was read gives the same text.
 *   <li>NaN and infinities are written as {@code null}, never as the non-JSON {@code NaN} or {@code
 *       Infinity}; a caller that needs to say why puts the reason in a key beside them.
 * </ul>
 *
 * <p>Output is pretty-printed with two-space indents, arrays of scalars on one line. Parse errors
 * are {@link IllegalArgumentException}s that name the character offset. Stateless and
 * thread-safe.
 */
public final class Json {
  /** Nesting deeper than this is refused when parsing, instead of overflowing the stack. */
  static final int MAX_DEPTH = 512;

  private Json() {}

  /** {@code value} as pretty-printed JSON, ending without a newline. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0, true);
    return sb.toString();
  }

  /** {@code value} as JSON on one line (no newline), for line-based protocols. */
  public static String writeLine(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0, false);
    return sb.toString();
  }

  /** Writes {@code value} pretty-printed with a final newline, atomically (see {@link AtomicFiles}). */
  public static void writeFile(Path file, Object value) {
    AtomicFiles.write(file, (write(value) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses one JSON value: objects become {@link LinkedHashMap}s in file order, arrays {@link
   * ArrayList}s, integer literals {@code Long} (a {@code Double} when too large for a long), other
   * numbers {@code Double}.
   *
   * @throws IllegalArgumentException with the offset of the first error
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos != text.length()) {
      throw p.error("trailing text");
    }
    return v;
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException when {@code text} is not valid JSON or not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("Expected a JSON object, got "
          + (v == null ? "null" : v instanceof List ? "an array" : "a " + v.getClass().getSimpleName()));
    }
    return (Map<String, Object>) v;
  }

  private static void write(StringBuilder sb, Object v, int indent, boolean pretty) {
    if (v instanceof Map) {
      writeObject(sb, ordered((Map<?, ?>) v), indent, pretty);
    } else if (v instanceof List) {
      writeArray(sb, (List<?>) v, indent, pretty);
    } else if (v != null && v.getClass().isArray()) {
      writeArray(sb, primitives(v), indent, pretty);
    } else if (v instanceof String) {
      quote(sb, (String) v);
    } else if (v instanceof Number) {
      number(sb, (Number) v);
    } else if (v instanceof Boolean) {
      sb.append(v);
    } else if (v == null) {
      sb.append("null");
    } else {
      throw new IllegalArgumentException("Cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void writeObject(StringBuilder sb, Map<?, ?> m, int indent, boolean pretty) {
    if (m.isEmpty()) {
      sb.append("{}");
      return;
    }
    sb.append(pretty ? "{\n" : "{");
    int i = 0;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (pretty) {
        pad(sb, indent + 1);
      }
      quote(sb, String.valueOf(e.getKey()));
      sb.append(pretty ? ": " : ":");
      write(sb, e.getValue(), indent + 1, pretty);
      if (++i < m.size()) {
        sb.append(',');
      }
      if (pretty) {
        sb.append('\n');
      }
    }
    if (pretty) {
      pad(sb, indent);
    }
    sb.append('}');
  }

  private static void writeArray(StringBuilder sb, List<?> l, int indent, boolean pretty) {
    boolean flat = !pretty;
    if (pretty) {
      flat = true;
      for (Object o : l) {
        flat &= !(o instanceof Map || o instanceof List || (o != null && o.getClass().isArray()));
      }
    }
    if (flat || l.isEmpty()) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        sb.append(i == 0 ? "" : pretty ? ", " : ",");
        write(sb, l.get(i), indent, pretty);
      }
      sb.append(']');
      return;
    }
    sb.append("[\n");
    for (int i = 0; i < l.size(); i++) {
      pad(sb, indent + 1);
      write(sb, l.get(i), indent + 1, true);
      sb.append(i + 1 < l.size() ? ",\n" : "\n");
    }
    pad(sb, indent);
    sb.append(']');
  }

  /** The map as written: its own order when it has one, else sorted by key. */
  private static Map<?, ?> ordered(Map<?, ?> m) {
    if (m instanceof LinkedHashMap || m instanceof SortedMap || m instanceof EnumMap
        || m.size() < 2) {
      return m;
    }
    Map<String, Object> sorted = new TreeMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      sorted.put(String.valueOf(e.getKey()), e.getValue());
    }
    return sorted;
  }

  private static void number(StringBuilder sb, Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        sb.append("null");
      } else {
        // Float.toString is the shortest text that reads back to the same float
        sb.append(n instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d));
      }
    } else if (n instanceof Long || n instanceof Integer || n instanceof Short
        || n instanceof Byte || n instanceof BigInteger || n instanceof AtomicLong
        || n instanceof AtomicInteger) {
      sb.append(n.toString());
    } else if (n instanceof BigDecimal) {
      sb.append(((BigDecimal) n).toString());
    } else {
      throw new IllegalArgumentException("Cannot write " + n.getClass().getName() + " as JSON");
    }
  }

  private static List<Object> primitives(Object array) {
    List<Object> l = new ArrayList<>();
    int n = java.lang.reflect.Array.getLength(array);
    for (int i = 0; i < n; i++) {
      l.add(java.lang.reflect.Array.get(array, i));
    }
    return l;
  }

  private static void pad(StringBuilder sb, int indent) {
    for (int i = 0; i < indent; i++) {
      sb.append("  ");
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("Invalid JSON at offset " + pos + ": " + what);
    }

    void skipWs() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    Object value(int depth) {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      if (depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH);
      }
      char c = s.charAt(pos);
      if (c == '{') {
        return object(depth + 1);
      } else if (c == '[') {
        return array(depth + 1);
      } else if (c == '"') {
        return string();
      } else if (s.startsWith("true", pos)) {
        pos += 4;
        return Boolean.TRUE;
      } else if (s.startsWith("false", pos)) {
        pos += 5;
        return Boolean.FALSE;
      } else if (s.startsWith("null", pos)) {
        pos += 4;
        return null;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        return number();
      }
      throw error("unexpected '" + c + "'");
    }

    Map<String, Object> object(int depth) {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++;
      skipWs();
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return m;
      }
      while (true) {
        skipWs();
        if (pos >= s.length() || s.charAt(pos) != '"') {
          throw error("expected a key");
        }
        String key = string();
        skipWs();
        expect(':');
        skipWs();
        m.put(key, value(depth));
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
        } else {
          expect('}');
          return m;
        }
      }
    }

    List<Object> array(int depth) {
      List<Object> l = new ArrayList<>();
      pos++;
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return l;
      }
      while (true) {
        skipWs();
        l.add(value(depth));
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
        } else {
          expect(']');
          return l;
        }
      }
    }

    String string() {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        } else if (c == '\\') {
          if (pos >= s.length()) {
            throw error("unterminated escape");
          }
          char e = s.charAt(pos++);
          switch (e) {
            case '"': case '\\': case '/':
              sb.append(e);
              break;
            case 'b':
              sb.append('\b');
              break;
            case 'f':
              sb.append('\f');
              break;
            case 'n':
              sb.append('\n');
              break;
            case 'r':
              sb.append('\r');
              break;
            case 't':
              sb.append('\t');
              break;
            case 'u':
              if (pos + 4 > s.length()) {
                throw error("short \\u escape");
              }
              try {
                sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
              } catch (NumberFormatException ex) {
                throw error("bad \\u escape");
              }
              pos += 4;
              break;
            default:
              throw error("bad escape \\" + e);
          }
        } else if (c < 0x20) {
          throw error("control character in string");
        } else {
          sb.append(c);
        }
      }
    }

    Number number() {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      boolean integral = true;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c >= '0' && c <= '9') {
          pos++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
          integral = false;
          pos++;
        } else {
          break;
        }
      }
      String t = s.substring(start, pos);
      try {
        if (integral) {
          try {
            return Long.parseLong(t);
          } catch (NumberFormatException tooBig) {
            return Double.parseDouble(t);
          }
        }
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        pos = start;
        throw error("bad number '" + t + "'");
      }
    }

    void expect(char c) {
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }
  }
}
