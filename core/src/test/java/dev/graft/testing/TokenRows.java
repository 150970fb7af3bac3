package dev.graft.testing;

import dev.graft.io.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random token rows for the token-model fixtures: {@code input_ids} [rows, 16] in [0, 1000) and,
 * for models that take one, an {@code attention_mask} that pads each row after 4 to 16 tokens.
 */
public final class TokenRows {
  private TokenRows() {}

  public static Map<String, NdArray> of(int rows, long seed, boolean mask) {
    Random r = new Random(seed);
    long[] ids = new long[rows * 16];
    long[] m = new long[rows * 16];
    for (int i = 0; i < rows; i++) {
      int length = 4 + r.nextInt(13);
      for (int j = 0; j < 16; j++) {
        ids[i * 16 + j] = r.nextInt(1000);
        m[i * 16 + j] = j < length ? 1 : 0;
      }
    }
    Map<String, NdArray> in = new LinkedHashMap<>();
    in.put("input_ids", NdArray.ofLongs(ids, rows, 16));
    if (mask) {
      in.put("attention_mask", NdArray.ofLongs(m, rows, 16));
    }
    return in;
  }
}
