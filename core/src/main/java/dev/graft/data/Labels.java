package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Shape;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Integer class labels from a {@code .npy} file, checked before any work: one per sample, whole
 * numbers, and each a class the model's first output can name.
 *
 * <pre>{@code
 * long[] y = Labels.read(Path.of("test_y.npy"), model);
 * }</pre>
 */
public final class Labels {
  private Labels() {}

  /** Reads and checks labels; {@code model} gives the class count where its output declares one. */
  public static long[] read(Path file, Graph model) {
    NdArray a = Npy.read(file);
    if (a.rank() != 1) {
      throw GraftException.badInput("labels %s must be one integer per sample, got shape %s",
          file, Arrays.toString(a.shape()));
    }
    long[] y = switch (a.type()) {
      case INT64 -> a.longs();
      case INT32 -> Arrays.stream(a.ints()).asLongStream().toArray();
      default -> wholeNumbers(a.asFloats(), file);
    };
    long classes = classes(model);
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || (classes > 0 && y[i] >= classes)) {
        throw GraftException.badInput("labels %s: sample %d has label %d; the model's output names"
            + " classes 0 to %s", file, i, y[i], classes > 0 ? Long.toString(classes - 1) : "N-1");
      }
    }
    return y;
  }

  /** Like {@link #read(Path, Graph)}, and there must be {@code samples} of them. */
  public static long[] read(Path file, Graph model, int samples) {
    long[] y = read(file, model);
    if (y.length != samples) {
      throw GraftException.badInput("labels hold %d samples, the data %d", y.length, samples);
    }
    return y;
  }

  private static long[] wholeNumbers(float[] f, Path file) {
    long[] y = new long[f.length];
    for (int i = 0; i < f.length; i++) {
      if (f[i] != Math.rint(f[i])) {
        throw GraftException.badInput("labels %s: sample %d has label %s, expected a whole number",
            file, i, f[i]);
      }
      y[i] = (long) f[i];
    }
    return y;
  }

  /** The class count of the model's first output, its last declared dimension (0 when unknown). */
  private static long classes(Graph model) {
    if (model.outputs().isEmpty()) {
      return 0;
    }
    Shape s = model.outputs().get(0).shape();
    if (s == null || s.rank() < 2 || !s.dim(s.rank() - 1).isKnown()) {
      return 0;
    }
    return s.dim(s.rank() - 1).value();
  }
}
