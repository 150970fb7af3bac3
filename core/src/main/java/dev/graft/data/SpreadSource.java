package dev.graft.data;

import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At most {@code limit} samples of another source, evenly spaced over all of it (sample i of this
 * source is sample {@code ⌊i · size / limit⌋} of the other), so that statistics whose precision
 * stops growing past a few thousand samples still see the whole set's variety. Closing it closes
 * nothing: the wrapped source belongs to the caller.
 *
 * <pre>{@code
 * CalibrationSource few = SpreadSource.of(source, 2048); // source itself when it has fewer
 * }</pre>
 */
public final class SpreadSource implements CalibrationSource {
  private final CalibrationSource source;
  private final int limit;

  private SpreadSource(CalibrationSource source, int limit) {
    this.source = source;
    this.limit = limit;
  }

  /** {@code source} itself when it has at most {@code limit} samples. */
  public static CalibrationSource of(CalibrationSource source, int limit) {
    return source.size() <= limit ? source : new SpreadSource(source, limit);
  }

  @Override
  public List<String> names() {
    return source.names();
  }

  @Override
  public int size() {
    return limit;
  }

  @Override
  public Map<String, NdArray> batch(int start, int count) {
    List<Map<String, NdArray>> parts = new ArrayList<>();
    for (int i = start; i < start + count; i++) {
      parts.add(source.batch((int) ((long) i * source.size() / limit), 1));
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (String name : names()) {
      List<NdArray> col = new ArrayList<>();
      parts.forEach(p -> col.add(p.get(name)));
      out.put(name, NdArray.concatRows(col));
    }
    return out;
  }

  @Override
  public String describe() {
    return limit + " samples spread over " + source.describe();
  }

  @Override
  public void close() {}
}
