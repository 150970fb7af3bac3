package dev.graft.recipe;

import dev.graft.graph.Graph;
import dev.graft.io.AtomicFiles;
import dev.graft.io.Json;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Finished steps on disk, keyed by the content hash of what produced them (the input model's
 * bytes, the step, the calibration data and the seed), so an interrupted run resumes without
 * redoing them. Each entry is the step's output model and its report section, written atomically.
 */
final class StepCache {
  private final Path dir;

  StepCache(Path dir) {
    this.dir = dir;
  }

  /**
   * The key of {@code step} applied to {@code model}: the content hash of the model's bytes, the
   * step without its origin (moving a line in the recipe does not invalidate its cache), the
   * calibration data's hash and the seed, each field length-prefixed so no two splits collide.
   */
  static String key(byte[] model, Step step, String dataHash, long seed) {
    String options = step.toString().replace("origin=" + step.origin(), "");
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] field : new byte[][] {model, options.getBytes(StandardCharsets.UTF_8),
          dataHash.getBytes(StandardCharsets.UTF_8), Long.toString(seed).getBytes(
              StandardCharsets.UTF_8)}) {
        md.update(ByteBuffer.allocate(8).putLong(field.length).array());
        md.update(field);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The entry under {@code key}, if its model's bytes still have the content hash recorded when it
   * was written; a damaged or swapped entry is redone.
   */
  Optional<Entry> get(String key) {
    Path model = dir.resolve(key + ".onnx");
    Path report = dir.resolve(key + ".json");
    if (!Files.isRegularFile(model) || !Files.isRegularFile(report)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> entry = Json.parseObject(Files.readString(report));
      byte[] bytes = Files.readAllBytes(model);
      if (!sha256(bytes).equals(entry.get("model_sha256"))
          || !(entry.get("section") instanceof Map<?, ?> section)) {
        return Optional.empty();
      }
      return Optional.of(new Entry(OnnxReader.parse(bytes, model.toString(), null),
          Json.writeLine(section)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a damaged entry is redone
    }
  }

  void put(String key, Graph model, String reportJson) {
    byte[] bytes = OnnxWriter.toBytes(model);
    AtomicFiles.write(dir.resolve(key + ".onnx"), bytes);
    AtomicFiles.writeString(dir.resolve(key + ".json"),
        "{\"model_sha256\": \"" + sha256(bytes) + "\", \"section\": " + reportJson + "}");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  record Entry(Graph model, String reportJson) {}
}
