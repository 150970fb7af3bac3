package dev.graft.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void mapsWithoutAnOrderOfTheirOwnAreWrittenInKeyOrder() {
    // Map.of's iteration order changes from one JVM to the next; a HashMap's with its capacity
    Map<String, Object> unordered = Map.of("zeta", 1, "alpha", 2, "mu", 3, "beta", 4, "omega", 5,
        "gamma", 6, "delta", 7);
    assertEquals("{\"alpha\":2,\"beta\":4,\"delta\":7,\"gamma\":6,\"mu\":3,\"omega\":5,"
        + "\"zeta\":1}", Json.writeLine(unordered));
    Map<String, Object> hashed = new HashMap<>(unordered);
    assertEquals(Json.writeLine(unordered), Json.writeLine(hashed));
    Map<String, Object> inserted = new LinkedHashMap<>();
    inserted.put("zeta", 1);
    inserted.put("alpha", 2);
    assertEquals("{\"zeta\":1,\"alpha\":2}", Json.writeLine(inserted));
  }

  @Test
  void aValuesTypeDecidesHowItIsWritten() {
    assertEquals("[70922, 70922, 70922.0, 0.1, 1.0E-5, 12345678901234567890]",
        Json.write(Arrays.asList(70922L, 70922, 70922.0, 0.1f, 1e-5,
            new java.math.BigInteger("12345678901234567890"))));
    assertEquals("[1, 2]", Json.write(new long[] {1, 2}));
    assertEquals("[0.5, null]", Json.write(new float[] {0.5f, Float.NaN}));
  }

  @Test
  void aTreeReadBackIsWrittenToTheSameBytes() {
    // the step cache stores a report section as JSON and a later run writes what it reads back
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("params", 70922L);
    section.put("student_params", 4160);
    section.put("rel_mse", 0.0123);
    section.put("top1_agreement", 1.0);
    section.put("margin", Double.POSITIVE_INFINITY);
    section.put("margin_reason", "no output changed");
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("before", 100L);
    before.put("after", 40L);
    section.put("flops", before);
    section.put("layers", Arrays.asList(Map.of("name", "fc1", "rank", 30L), Map.of()));
    String fresh = Json.write(section);
    assertEquals(fresh, Json.write(Json.parse(fresh)));
    assertEquals(Json.writeLine(section), Json.writeLine(Json.parse(fresh)));
    Map<String, Object> back = Json.parseObject(fresh);
    assertEquals(70922L, back.get("params"));
    assertEquals(1.0, back.get("top1_agreement"));
    assertEquals(null, back.get("margin"));
    assertTrue(fresh.contains("\"params\": 70922,"), fresh);
    assertTrue(fresh.contains("\"margin\": null,"), fresh);
  }

  @Test
  void writesOneLineForLineProtocols() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "a b.tflite");
    m.put("inputs", Arrays.asList("x.npy", "y.npy"));
    m.put("out", Arrays.asList(Map.of("k", Arrays.asList(1, 2))));
    assertEquals("{\"model\":\"a b.tflite\",\"inputs\":[\"x.npy\",\"y.npy\"],"
        + "\"out\":[{\"k\":[1,2]}]}", Json.writeLine(m));
  }

  @Test
  void refusesWhatIsNotJsonAndNestingTooDeep() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse(deep)).getMessage()
        .contains("nested deeper than 512"));
    assertEquals("Expected a JSON object, got an array",
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]")).getMessage());
  }

  @Test
  void writesAFileWithAFinalNewline(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("sub/report.json");
    Json.writeFile(f, Map.of("a", 1L));
    assertEquals("{\n  \"a\": 1\n}\n", Files.readString(f));
  }
}
