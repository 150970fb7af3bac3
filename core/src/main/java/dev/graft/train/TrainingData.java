package dev.graft.train;

import dev.graft.io.NdArray;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Rows of regression data for fitting a student: named inputs (the region's entry tensor and any
 * side inputs) and one target (the region's exit tensor), split into a training part and a
 * held-out part. Rows are addressed by index within a split; implementations may read them from
 * memory or from a file-backed activation store.
 */
public interface TrainingData {
  /** Which part of the data a row index refers to. */
  enum Split {
    TRAIN,
    HELD_OUT
  }

  int rows(Split split);

  /** Names of the student's inputs, the first being the main input. */
  List<String> inputNames();

  /** Name of the target tensor. */
  String targetName();

  /** The shape of one row of a tensor (the batch axis left out). */
  long[] rowShape(String tensor);

  /** The given rows of every input and of the target, keyed by name. */
  Map<String, NdArray> batch(Split split, int[] rows);

  /**
   * Writes the given rows of every input and of the target, as floats and row after row, into
   * the buffer of the same name from its position on: the training loop's way of filling native
   * tensors without an intermediate array. The default goes through {@link #batch}.
   */
  default void batchInto(Split split, int[] rows, Map<String, FloatBuffer> out) {
    batch(split, rows).forEach((name, a) -> out.get(name).put(a.asFloats()));
  }

  /**
   * Whether {@link #batchInto} may run on several threads at once (into separate buffers), as
   * the shards of a batch fill their inputs ({@link ShardedSteps}); by default not.
   */
  default boolean concurrentReads() {
    return false;
  }
}
