package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Inputs to feed a model and the outputs it must produce for them, shipped beside the model as a
 * folder of {@code .npy} files: {@code input_0.npy}, {@code input_1.npy}, … in model input order
 * and {@code output_0.npy}, … in model output order (the layout {@code tools/litert-runner}
 * writes). Either list may be empty: inputs alone give realistic data without a check; outputs
 * need the inputs they were computed from.
 */
public final class ReferenceData {
  private final List<NdArray> inputs;
  private final List<NdArray> outputs;

  private ReferenceData(List<NdArray> inputs, List<NdArray> outputs) {
    this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
    this.outputs = Collections.unmodifiableList(new ArrayList<>(outputs));
  }

  /**
   * Reference data held in memory.
   *
   * @throws IllegalArgumentException when outputs are given without inputs
   */
  public static ReferenceData of(List<NdArray> inputs, List<NdArray> outputs) {
    if (inputs.isEmpty() && !outputs.isEmpty()) {
      throw new IllegalArgumentException("Reference outputs need the inputs they came from");
    }
    return new ReferenceData(inputs, outputs);
  }

  /**
   * Reads {@code input_<i>.npy} and {@code output_<i>.npy} from {@code dir}, i = 0, 1, … up to the
   * first missing index.
   *
   * @throws BenchmarkException BAD_INPUT when the folder is missing, holds no {@code input_0.npy},
   *     or a file is not a readable npy (the message names the file)
   */
  public static ReferenceData load(File dir) throws BenchmarkException {
    if (!dir.isDirectory()) {
      throw new BenchmarkException(
          BenchmarkException.Code.BAD_INPUT, "Reference folder not found: " + dir.getPath());
    }
    List<NdArray> in = readSeries(dir, "input_");
    if (in.isEmpty()) {
      throw new BenchmarkException(
          BenchmarkException.Code.BAD_INPUT,
          "Reference folder " + dir.getPath() + " has no input_0.npy");
    }
    return new ReferenceData(in, readSeries(dir, "output_"));
  }

  /** Writes this data as {@code input_<i>.npy} and {@code output_<i>.npy} into {@code dir}. */
  public void save(File dir) throws IOException {
    for (int i = 0; i < inputs.size(); i++) {
      write(new File(dir, "input_" + i + ".npy"), inputs.get(i));
    }
    for (int i = 0; i < outputs.size(); i++) {
      write(new File(dir, "output_" + i + ".npy"), outputs.get(i));
    }
  }

  private static void write(File f, NdArray a) throws IOException {
    try {
      Npy.write(f.toPath(), a);
    } catch (GraftException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  public List<NdArray> inputs() {
    return inputs;
  }

  /** Expected outputs; empty when there is nothing to check against. */
  public List<NdArray> outputs() {
    return outputs;
  }

  private static List<NdArray> readSeries(File dir, String prefix) throws BenchmarkException {
    List<NdArray> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      File f = new File(dir, prefix + i + ".npy");
      if (!f.isFile()) {
        return out;
      }
      try {
        out.add(Npy.readAsStored(f.toPath()));
      } catch (GraftException e) {
        throw new BenchmarkException(BenchmarkException.Code.BAD_INPUT, e.getMessage(), e);
      }
    }
  }
}
