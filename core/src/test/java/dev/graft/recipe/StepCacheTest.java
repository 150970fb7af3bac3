package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step cache: what changes its key, and which entries it refuses. */
class StepCacheTest {
  static final String SECTION = "{\"layers\":[\"stage1.0\"],\"params_after\":70922,\"keep\":0.5}";

  @TempDir Path dir;

  static Graph mnist() {
    return OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
  }

  static Step.Thin thin(double keep, Origin origin) {
    return new Step.Thin("stage1.*", keep, 1, false, origin);
  }

  @Test
  void theSameModelStepDataAndSeedHitAndEachChangeMisses() {
    byte[] model = OnnxWriter.toBytes(mnist());
    String key = StepCache.key(model, thin(0.5, new Origin("a.graft.kts", 3)), "d0", 7);
    assertEquals(32, key.length());
    assertEquals(key, StepCache.key(model.clone(), thin(0.5, new Origin("a.graft.kts", 3)), "d0",
        7), "the same inputs give the same key");
    assertEquals(key, StepCache.key(model, thin(0.5, new Origin("b.graft.kts", 9)), "d0", 7),
        "moving the step to another line keeps its key");
    byte[] other = model.clone();
    other[other.length - 1] ^= 1;
    List<String> changed = List.of(
        StepCache.key(other, thin(0.5, Origin.UNKNOWN), "d0", 7),
        StepCache.key(model, thin(0.25, Origin.UNKNOWN), "d0", 7),
        StepCache.key(model, new Step.Thin("stage1.*", 0.5, 8, false, Origin.UNKNOWN), "d0", 7),
        StepCache.key(model, new Step.LowRank("stage1.*", 0, 0.5, true, Origin.UNKNOWN), "d0", 7),
        StepCache.key(model, thin(0.5, Origin.UNKNOWN), "d1", 7),
        StepCache.key(model, thin(0.5, Origin.UNKNOWN), "d0", 8));
    Set<String> all = new HashSet<>(changed);
    all.add(key);
    assertEquals(changed.size() + 1, all.size(), "model, option, step, data or seed: " + changed);
  }

  @Test
  void fieldsAreDelimitedSoMovingABoundaryChangesTheKey() {
    byte[] model = OnnxWriter.toBytes(mnist());
    // "d1" + seed 23 and "d12" + seed 3 concatenate to the same text
    assertNotEquals(StepCache.key(model, thin(0.5, Origin.UNKNOWN), "d1", 23),
        StepCache.key(model, thin(0.5, Origin.UNKNOWN), "d12", 3));
  }

  @Test
  void anEntryReadsBackAsItsModelAndSection() {
    StepCache cache = new StepCache(dir);
    Graph g = mnist();
    cache.put("k", g, SECTION);
    StepCache.Entry e = cache.get("k").orElseThrow();
    assertArrayEquals(OnnxWriter.toBytes(g), OnnxWriter.toBytes(e.model()));
    assertEquals(dev.graft.io.Json.parse(SECTION), dev.graft.io.Json.parse(e.reportJson()));
    assertTrue(cache.get("other").isEmpty());
  }

  @Test
  void aDamagedModelIsRefusedAndRecomputedOnTheNextPut() throws Exception {
    StepCache cache = new StepCache(dir);
    Graph g = mnist();
    cache.put("k", g, SECTION);
    byte[] bytes = Files.readAllBytes(dir.resolve("k.onnx"));
    bytes[bytes.length / 2] ^= 0x40; // one flipped bit: still parses or not, the hash differs
    Files.write(dir.resolve("k.onnx"), bytes);
    assertTrue(cache.get("k").isEmpty(), "a flipped bit is refused");
    Files.write(dir.resolve("k.onnx"), java.util.Arrays.copyOf(bytes, bytes.length / 3));
    assertTrue(cache.get("k").isEmpty(), "a truncated model is refused");
    cache.put("k", g, SECTION);
    assertArrayEquals(OnnxWriter.toBytes(g), OnnxWriter.toBytes(cache.get("k").orElseThrow()
        .model()), "the redone entry is served again");
  }

  @Test
  void aDamagedOrMissingSectionIsRefused() throws Exception {
    StepCache cache = new StepCache(dir);
    cache.put("k", mnist(), SECTION);
    String json = Files.readString(dir.resolve("k.json"));
    Files.writeString(dir.resolve("k.json"), json.substring(0, json.length() / 2));
    assertTrue(cache.get("k").isEmpty(), "a truncated section is refused");
    Files.writeString(dir.resolve("k.json"), "{\"section\": " + SECTION + "}");
    assertTrue(cache.get("k").isEmpty(), "a section without its model's hash is refused");
    Files.delete(dir.resolve("k.json"));
    assertTrue(cache.get("k").isEmpty(), "a model without its section is refused");
  }
}
