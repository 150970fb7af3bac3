package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Shape;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Integer class labels from a {@code .npy} file, checked before any work: one per sample (or, for
 * a model whose first output is [batch, positions, classes] such as a token model's logits, an
 * array [samples, positions] with one per position), whole numbers, and each a class the model's
 * first output can name. Labels come flattened in row order, one per row of the output's last
 * axis.
 *
 * <pre>{@code
 * long[] y = Labels.read(Path.of("test_y.npy"), model);
 * }</pre>
 */
public final class Labels {
  private Labels() {}

  /**
   * Reads and checks labels, one per sample or one per position; {@code model} gives the class
   * count and the positions where its first output declares them.
   */
  public static long[] read(Path file, Graph model) {
    NdArray a = Npy.read(file);
    Shape out = model.outputs().isEmpty() ? null : model.outputs().get(0).shape();
    boolean perPosition = a.rank() == 2 && out != null && out.rank() == 3;
    if (a.rank() != 1 && !perPosition) {
      throw GraftException.badInput("labels %s must be one integer per sample%s, got shape %s",
          file, out != null && out.rank() == 3 ? " or [samples, positions]" : "",
          Arrays.toString(a.shape()));
    }
    if (perPosition && out.dim(1).isKnown() && out.dim(1).value() != a.shape()[1]) {
      throw GraftException.badInput("labels %s have %d positions per sample; the model's output"
          + " %s has %d", file, a.shape()[1], model.outputs().get(0).name(), out.dim(1).value());
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

  /** Like {@link #read(Path, Graph)}, one per sample, and there must be {@code samples} of them. */
  public static long[] read(Path file, Graph model, int samples) {
    long[] rank = Npy.read(file).shape();
    if (rank.length != 1) {
      throw GraftException.badInput("labels %s must be one integer per sample, got shape %s"
          + " (labels per position are read by graft eval)", file, Arrays.toString(rank));
    }
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
