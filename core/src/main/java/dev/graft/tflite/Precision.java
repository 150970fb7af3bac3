package dev.graft.tflite;

import dev.graft.GraftException;
import java.util.Arrays;

/** The numeric precision of a written TFLite model. */
public enum Precision {
  /** Float32 weights and activations. */
  FP32("fp32"),
  /** Float16 weights dequantized to float32 at load; float32 activations. */
  FP16("fp16"),
  /** Int8 per-channel weights of conv and fully connected layers; float activations. */
  INT8_DYNAMIC("int8-dynamic"),
  /** Full integer: int8 weights and activations calibrated on sample inputs, int32 biases. */
  INT8("int8");

  private final String label;

  Precision(String label) {
    this.label = label;
  }

  /** The name used on the command line. */
  public String label() {
    return label;
  }

  /** Parses a command-line name such as {@code int8-dynamic}. */
  public static Precision parse(String s) {
    for (Precision p : values()) {
      if (p.label.equals(s)) {
        return p;
      }
    }
    throw GraftException.badInput("unknown precision '%s', expected one of %s", s,
        Arrays.stream(values()).map(Precision::label).toList());
  }
}
