package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  record Layer(String layerName, double margin, Integer units, List<Long> counts) {}

  @Test
  void writesRecordsInComponentOrderWithSnakeCaseNamesAndLeavesNullsOut() {
    assertEquals("{\n  \"layer_name\": \"fc1\",\n  \"margin\": 0.5,\n  \"counts\": [1, 2]\n}",
        Json.write(new Layer("fc1", 0.5, null, List.of(1L, 2L))));
  }

  @Test
  void writesANonFiniteNumberAsNullWithTheReasonBesideIt() {
    String json = Json.write(new Layer("fc1", Double.POSITIVE_INFINITY, 3, List.of()));
    assertEquals("{\n  \"layer_name\": \"fc1\",\n  \"margin\": null,\n"
        + "  \"margin_reason\": \"not finite: Infinity\",\n  \"units\": 3,\n  \"counts\": []\n}",
        json);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rel_mse", Double.NaN);
    m.put("values", new double[] {1.5, Double.NEGATIVE_INFINITY});
    assertEquals("{\n  \"rel_mse\": null,\n  \"rel_mse_reason\": \"not finite: NaN\",\n"
        + "  \"values\": [1.5, null]\n}", Json.write(m));
  }

  @Test
  void keepsIntegersIntegersAndFractionsFractionsThroughARoundTrip() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("params", 70922);
    m.put("bytes", 70922L);
    m.put("ratio", 2.0);
    m.put("small", 1.0e-7);
    m.put("share", 0.1f);
    String once = Json.write(m);
    assertEquals("{\n  \"params\": 70922,\n  \"bytes\": 70922,\n  \"ratio\": 2.0,\n"
        + "  \"small\": 1.0E-7,\n  \"share\": 0.1\n}", once);
    Object back = Json.parseTree(once, "test");
    assertEquals(Long.class, ((Map<?, ?>) back).get("params").getClass());
    assertEquals(Double.class, ((Map<?, ?>) back).get("ratio").getClass());
    assertEquals(once, Json.write(back));
  }

  @Test
  void writesUnorderedMapsWithSortedKeysSoTheOrderNeverChanges() {
    Map<String, Object> m = Map.of("teacher", 1, "result", 2, "alone", true, "can_start", false,
        "can_end", true);
    assertEquals("{\n  \"alone\": true,\n  \"can_end\": true,\n  \"can_start\": false,\n"
        + "  \"result\": 2,\n  \"teacher\": 1\n}", Json.write(m));
    Map<String, Object> h = new HashMap<>(m);
    assertEquals(Json.write(m), Json.write(h));
    Map<String, Object> kept = new LinkedHashMap<>();
    kept.put("teacher", 1);
    kept.put("result", 2);
    assertEquals("{\n  \"teacher\": 1,\n  \"result\": 2\n}", Json.write(kept));
  }

  @Test
  void writesPathsAndEnumsAsStringsAndRefusesWhatThePolicyDoesNotName() {
    assertEquals("[\"a/b.onnx\", \"HALF_UP\"]",
        Json.write(Arrays.asList(Path.of("a/b.onnx"), java.math.RoundingMode.HALF_UP)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.write(List.of(new Object())));
    assertEquals("no JSON form for java.lang.Object", e.getMessage());
  }
}
