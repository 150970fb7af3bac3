package dev.graft.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import dev.graft.io.AtomicFiles;
import java.nio.file.Path;

/** JSON for reports and {@code --json}: maps and lists in insertion order, pretty-printed. */
public final class Json {
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
          .disableHtmlEscaping().create();

  private Json() {}

  /** {@code {"before": before, "after": after}}, in that order, for report sections. */
  public static java.util.Map<String, Object> beforeAfter(long before, long after) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("before", before);
    m.put("after", after);
    return m;
  }

  public static String write(Object value) {
    return GSON.toJson(value);
  }

  public static void writeFile(Path file, Object value) {
    AtomicFiles.writeString(file, write(value) + "\n");
  }

  public static JsonElement parse(String text, String where) {
    try {
      return JsonParser.parseString(text);
    } catch (RuntimeException e) {
      throw GraftException.badInput("%s is not valid JSON: %s", where, e.getMessage());
    }
  }
}
