package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@link TrainingData} held in memory: arrays with equal row counts, split into training and
 * held-out rows by a seeded shuffle.
 *
 * <pre>{@code
 * TrainingData d = InMemoryData.of(Map.of("x", x), "y", y, 0.1, 0L);
 * }</pre>
 */
public final class InMemoryData implements TrainingData {
  private final Map<String, NdArray> arrays;
  private final List<String> inputs;
  private final String target;
  private final int[] train;
  private final int[] heldOut;

  private InMemoryData(Map<String, NdArray> arrays, List<String> inputs, String target,
      int[] train, int[] heldOut) {
    this.arrays = arrays;
    this.inputs = inputs;
    this.target = target;
    this.train = train;
    this.heldOut = heldOut;
  }

  /** Splits off {@code heldOutFraction} of the rows (at least one when there are two or more). */
  public static InMemoryData of(Map<String, NdArray> inputs, String targetName, NdArray target,
      double heldOutFraction, long seed) {
    if (target.rows() == 0) {
      throw GraftException.badInput("the training data is empty: %s has no rows", targetName);
    }
    Map<String, NdArray> all = new LinkedHashMap<>(inputs);
    all.put(targetName, target);
    for (Map.Entry<String, NdArray> e : all.entrySet()) {
      if (e.getValue().rows() != target.rows()) {
        throw GraftException.badInput("training array %s has %d rows, target %s has %d",
            e.getKey(), e.getValue().rows(), targetName, target.rows());
      }
    }
    int n = target.rows();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int held = n < 2 ? 0 : (int) Math.max(heldOutFraction > 0 ? 1 : 0,
        Math.round(n * heldOutFraction));
    int[] heldOut = Arrays.copyOfRange(perm, 0, held);
    int[] train = Arrays.copyOfRange(perm, held, n);
    Arrays.sort(heldOut);
    Arrays.sort(train);
    return new InMemoryData(all, new ArrayList<>(inputs.keySet()), targetName, train, heldOut);
  }

  @Override
  public int rows(Split split) {
    return split == Split.TRAIN ? train.length : heldOut.length;
  }

  @Override
  public List<String> inputNames() {
    return inputs;
  }

  @Override
  public String targetName() {
    return target;
  }

  @Override
  public long[] rowShape(String tensor) {
    long[] s = arrays.get(tensor).shape();
    return Arrays.copyOfRange(s, 1, s.length);
  }

  @Override
  public Map<String, NdArray> batch(Split split, int[] rows) {
    int[] index = split == Split.TRAIN ? train : heldOut;
    int[] picked = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      picked[i] = index[rows[i]];
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.gather(picked)));
    return out;
  }

  /** Batches only read the arrays. */
  @Override
  public boolean concurrentReads() {
    return true;
  }

  @Override
  public void batchInto(Split split, int[] rows, Map<String, FloatBuffer> out) {
    int[] index = split == Split.TRAIN ? train : heldOut;
    for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
      NdArray a = e.getValue();
      FloatBuffer b = out.get(e.getKey());
      if (a.type() != DType.FLOAT) {
        int[] picked = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
          picked[i] = index[rows[i]];
        }
        b.put(a.gather(picked).asFloats());
        continue;
      }
      float[] f = a.floats();
      int rs = a.rowSize();
      for (int r : rows) {
        b.put(f, index[r] * rs, rs);
      }
    }
  }
}
