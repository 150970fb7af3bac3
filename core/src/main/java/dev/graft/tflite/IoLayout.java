package dev.graft.tflite;

/**
 * The axis order of a TFLite file's inputs and outputs ({@code graft convert --io-layout}). The
 * order each input and output got is in {@link ConvertResult#io()}, in the convert summary and
 * JSON, and in the file's {@code graft_io_layout} metadata.
 */
public enum IoLayout {
  /**
   * Images are channels-last, as Android bitmaps and camera frames are: a rank-4 input or output
   * that the file computes on in NHWC (what convolutions, pooling and resizes read and write) is
   * NHWC in the file, so no TRANSPOSE is written at the boundary; every other input and output
   * keeps ONNX's axis order. The default.
   */
  NHWC("nhwc"),
  /**
   * Every input and output keeps ONNX's axis order: NCHW images cost one TRANSPOSE after each
   * input and before each output.
   */
  NCHW("nchw");

  private final String label;

  IoLayout(String label) {
    this.label = label;
  }

  /** The name used on the command line. */
  public String label() {
    return label;
  }
}
