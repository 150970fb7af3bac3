package dev.graft.data;

import dev.graft.io.NdArray;
import java.util.List;
import java.util.Map;

/**
 * Samples to run a model on, one array per model input, read a range of rows at a time so that
 * sets larger than memory stream. Sources are checked against the model's input signature when
 * opened through {@link Calibration#open}. Close it when done.
 */
public interface CalibrationSource extends AutoCloseable {
  /** The model inputs this source feeds, in the model's order. */
  List<String> names();

  /** Number of samples. */
  int size();

  /** Rows {@code [start, start+count)} of every input. */
  Map<String, NdArray> batch(int start, int count);

  /** A short description for messages and reports, e.g. the file names. */
  String describe();

  @Override
  void close();
}
