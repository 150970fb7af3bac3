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
 * @param io the file's inputs, then its outputs, in the model's order, with their axis order
 */
public record ConvertResult(byte[] bytes, Map<String, Integer> opCounts, List<String> warnings,
    List<FloatLayer> floatLayers, Map<String, Mapped> tensors, List<Io> io) {
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

  /**
   * An input or output of the file and its axis order.
   *
   * @param name the ONNX input or output name, also the TFLite tensor's and signature's
   * @param input true for an input
   * @param onnxShape its shape in the ONNX model
   * @param nhwc true when ONNX's NCHW axes are channels-last in the file (file axis j holds ONNX
   *     axis [0, 2, 3, 1][j]); false when the file keeps ONNX's axis order
   */
  public record Io(String name, boolean input, long[] onnxShape, boolean nhwc) {
    /** {@code NHWC}, or {@code ONNX} for ONNX's own axis order. */
    public String layoutName() {
      return nhwc ? "NHWC" : "ONNX";
    }

    /** The shape in the file. */
    public long[] shape() {
      long[] s = onnxShape.clone();
      if (nhwc) {
        for (int j = 0; j < s.length; j++) {
          s[j] = onnxShape[Layout.NHWC[j]];
        }
      }
      return s;
    }

    /** A float array in ONNX's axis order (a batch axis first) in the file's order. */
    public dev.graft.io.NdArray toFile(dev.graft.io.NdArray onnx) {
      return nhwc ? Verification.transpose(onnx, Layout.NHWC) : onnx;
    }

    /** A float array in the file's axis order back in ONNX's. */
    public dev.graft.io.NdArray toOnnx(dev.graft.io.NdArray file) {
      return nhwc ? Verification.transpose(file, Layout.inverse(Layout.NHWC)) : file;
    }

    /** As {@code --json} prints it: name, kind, layout and both shapes. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", name);
      m.put("kind", input ? "input" : "output");
      m.put("layout", layoutName());
      m.put("shape", shape());
      m.put("onnx_shape", onnxShape);
      return m;
    }
  }

  /** The input or output named {@code name}. */
  public Io io(String name, boolean input) {
    return io.stream().filter(x -> x.input() == input && x.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + (input ? "input " : "output ")
            + name + " in the converted model"));
  }

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
