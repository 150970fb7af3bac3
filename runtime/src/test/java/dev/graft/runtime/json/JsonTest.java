package dev.graft.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedTreesWithScalarArraysOnOneLine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", 1);
    m.put("b", Arrays.asList(1.5, 2L, null));
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("s", "x");
    m.put("c", Arrays.asList(inner));
    m.put("d", new LinkedHashMap<String, Object>());
    assertEquals("{\n  \"a\": 1,\n  \"b\": [1.5, 2, null],\n  \"c\": [\n    {\n      \"s\": \"x\"\n"
        + "    }\n  ],\n  \"d\": {}\n}", Json.write(m));
  }

  @Test
  void escapesAndUnescapesStrings() {
    String tricky = "quote \" backslash \\ newline \n tab \t bell \u0007 é 日本";
    String json = Json.write(tricky);
    assertEquals("\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 é 日本\"", json);
    assertEquals(tricky, Json.parse(json));
    assertEquals("A/", Json.parse("\"\\u0041\\/\""));
  }

  @Test
  void nonFiniteNumbersBecomeNull() {
    assertEquals("[null, null]", Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY)));
  }

  @Test
  void parsesIntegersAsLongsAndOthersAsDoubles() {
    List<?> l = (List<?>) Json.parse(" [1, -2, 3.5, 1e3, 12345678901234567890, true, false, null] ");
    assertEquals(Arrays.asList(1L, -2L, 3.5, 1000.0, 1.2345678901234567e19, true, false, null), l);
  }

  @Test
  void errorsNameTheOffset() {
    assertEquals("Invalid JSON at offset 5: expected ':'",
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}")).getMessage());
    assertEquals("Invalid JSON at offset 3: trailing text",
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x")).getMessage());
    assertEquals("Invalid JSON at offset 5: unterminated string",
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"abcd")).getMessage());
  }
}
