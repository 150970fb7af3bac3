package dev.graft.tflite;

import dev.graft.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A converted TFLite model: its bytes, how many operators of each kind it holds, and warnings
 * about the conversion (never errors: those are thrown).
 *
 * @param bytes the flatbuffer
 * @param opCounts operator counts by TFLite builtin name, e.g. {@code CONV_2D=3}
 * @param warnings notes for the user, one line each
 * @param floatLayers layers that compute in float32 although the precision asked for fewer bits,
 *     because LiteRT runs them faster that way
 * @param tensors which TFLite tensor holds each ONNX value the writer kept, and in which layout
 */
public record ConvertResult(byte[] bytes, Map<String, Integer> opCounts, List<String> warnings,
    List<FloatLayer> floatLayers, Map<String, Mapped> tensors) {
  /**
   * Where an ONNX value lives in the TFLite file.
   *
   * @param tensor the tensor's index in the subgraph
   * @param layout physical axis j of the tensor holds the value's logical (ONNX) axis layout[j]
   */
  public record Mapped(int tensor, int[] layout) {}

  /**
   * A layer left in float32.
   *
   * @param layer the ONNX node name
   * @param op the TFLite operator it became
   * @param reason why it was left in float32
   */
  public record FloatLayer(String layer, String op, String reason) {}

  /** Writes the model atomically: a crash never leaves part of a file behind. */
  public void write(Path file) {
    AtomicFiles.write(file, bytes);
  }

  public int size() {
    return bytes.length;
  }

  /** How many operators of a TFLite builtin kind the model holds. */
  public int count(String builtin) {
    return opCounts.getOrDefault(builtin, 0);
  }
}
