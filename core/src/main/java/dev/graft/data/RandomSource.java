package dev.graft.data;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Uniform random samples in [lo, hi) with declared row shapes; sample i is the same whatever batch
 * it is read in, since each row has its own seeded generator.
 */
public final class RandomSource implements CalibrationSource {
  private final Map<String, long[]> rowShapes;
  private final int size;
  private final long seed;
  private final float lo;
  private final float hi;

  public RandomSource(Map<String, long[]> rowShapes, int size, long seed, float lo, float hi) {
    this.rowShapes = new LinkedHashMap<>(rowShapes);
    this.size = size;
    this.seed = seed;
    this.lo = lo;
    this.hi = hi;
  }

  @Override
  public List<String> names() {
    return new ArrayList<>(rowShapes.keySet());
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Map<String, NdArray> batch(int start, int count) {
    Map<String, NdArray> out = new LinkedHashMap<>();
    int k = 0;
    for (Map.Entry<String, long[]> e : rowShapes.entrySet()) {
      long[] rs = e.getValue();
      int rowSize = Math.toIntExact(NdArray.elementCount(rs));
      float[] v = new float[count * rowSize];
      for (int r = 0; r < count; r++) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + (start + r) * 7919L + k);
        for (int i = 0; i < rowSize; i++) {
          v[r * rowSize + i] = lo + (hi - lo) * (float) rnd.nextDouble();
        }
      }
      long[] shape = new long[rs.length + 1];
      shape[0] = count;
      System.arraycopy(rs, 0, shape, 1, rs.length);
      out.put(e.getKey(), NdArray.of(v, shape));
      k++;
    }
    return out;
  }

  public DType type() {
    return DType.FLOAT;
  }

  @Override
  public String describe() {
    return "random uniform [" + lo + ", " + hi + ") × " + size + " (seed " + seed + ")";
  }

  @Override
  public void close() {}
}
