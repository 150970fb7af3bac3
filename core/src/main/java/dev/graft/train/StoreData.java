package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.exec.ActivationStore;
import dev.graft.io.NdArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TrainingData} over a file-backed {@link ActivationStore}: rows are read on demand, the
 * split is the store's seeded train/held-out split. The store stays open; its owner closes it.
 *
 * <pre>{@code
 * TrainingData d = StoreData.of(store, List.of(region.entry()), region.exit(), 0.1, seed);
 * }</pre>
 */
public final class StoreData implements TrainingData {
  private final ActivationStore store;
  private final List<String> inputs;
  private final String target;
  private final ActivationStore.Split split;

  private StoreData(ActivationStore store, List<String> inputs, String target,
      ActivationStore.Split split) {
    this.store = store;
    this.inputs = List.copyOf(inputs);
    this.target = target;
    this.split = split;
  }

  public static StoreData of(ActivationStore store, List<String> inputs, String target,
      double heldOutFraction, long seed) {
    if (store.rows() == 0) {
      throw GraftException.badInput("the calibration set is empty: no activations recorded");
    }
    for (String t : inputs) {
      if (!store.tensors().contains(t)) {
        throw GraftException.badInput("activation store has no tensor %s, only %s", t,
            store.tensors());
      }
    }
    if (!store.tensors().contains(target)) {
      throw GraftException.badInput("activation store has no tensor %s, only %s", target,
          store.tensors());
    }
    return new StoreData(store, inputs, target, store.split(heldOutFraction, seed));
  }

  @Override
  public int rows(Split s) {
    return s == Split.TRAIN ? split.train().length : split.heldOut().length;
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
    return store.rowShape(tensor);
  }

  @Override
  public Map<String, NdArray> batch(Split s, int[] rows) {
    int[] index = s == Split.TRAIN ? split.train() : split.heldOut();
    int[] picked = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      picked[i] = index[rows[i]];
    }
    java.util.Arrays.sort(picked);
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (String t : inputs) {
      out.put(t, store.read(t, picked));
    }
    out.put(target, store.read(target, picked));
    return out;
  }
}
