package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to convert a graph to TFLite. Immutable; start from {@link #defaults()} and change with the
 * {@code with...} methods.
 *
 * <pre>{@code
 * ConvertOptions o = ConvertOptions.defaults()
 *     .withPrecision(Precision.INT8)
 *     .withCalibration(Map.of("input", samples));
 * }</pre>
 *
 * @param precision numeric precision of weights and activations
 * @param calibration sample inputs by graph input name, a batch axis first; required for
 *     {@link Precision#INT8}, also used by verification
 * @param ioLayout the axis order of inputs and outputs: images NHWC ({@link IoLayout#NHWC}, the
 *     default) or everything in ONNX's order ({@link IoLayout#NCHW})
 * @param batch the size given to the graph's symbolic batch axis
 * @param recipe the recipe text that produced the model, stored in its metadata (may be null)
 * @param int8Io with {@link Precision#INT8}: float inputs and outputs that are quantized inside
 *     the model become int8 themselves (the caller quantizes with each input's scale and zero
 *     point, see {@link TfliteModel#inputQuantization()}); no boundary QUANTIZE/DEQUANTIZE
 * @param dims sizes of named symbolic dimensions other than the batch ({@code --dim}), bound
 *     in the model read from a file before it is converted
 */
public record ConvertOptions(
    Precision precision, Map<String, NdArray> calibration, IoLayout ioLayout, int batch,
    String recipe, boolean int8Io, Map<String, Long> dims) {
  public ConvertOptions {
    dims = dims == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dims));
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(ioLayout, "ioLayout");
    calibration = calibration == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(calibration));
    if (batch < 1) {
      throw GraftException.badInput("batch size must be at least 1, got %d", batch);
    }
  }

  /** fp32, no calibration, NHWC images at the boundary, batch 1. */
  public static ConvertOptions defaults() {
    return new ConvertOptions(Precision.FP32, Map.of(), IoLayout.NHWC, 1, null, false, Map.of());
  }

  public ConvertOptions withPrecision(Precision p) {
    return new ConvertOptions(p, calibration, ioLayout, batch, recipe, int8Io, dims);
  }

  public ConvertOptions withCalibration(Map<String, NdArray> samples) {
    return new ConvertOptions(precision, samples, ioLayout, batch, recipe, int8Io, dims);
  }

  /** The axis order of inputs and outputs ({@code graft convert --io-layout}). */
  public ConvertOptions withIoLayout(IoLayout v) {
    return new ConvertOptions(precision, calibration, v, batch, recipe, int8Io, dims);
  }

  public ConvertOptions withBatch(int b) {
    return new ConvertOptions(precision, calibration, ioLayout, b, recipe, int8Io, dims);
  }

  /** int8 inputs and outputs for {@link Precision#INT8} ({@code graft convert --int8-io}). */
  public ConvertOptions withInt8Io(boolean v) {
    return new ConvertOptions(precision, calibration, ioLayout, batch, recipe, v, dims);
  }

  /** Sizes of named symbolic dimensions ({@code graft convert --dim NAME=SIZE}). */
  public ConvertOptions withDims(Map<String, Long> sizes) {
    return new ConvertOptions(precision, calibration, ioLayout, batch, recipe, int8Io, sizes);
  }

  public ConvertOptions withRecipe(String text) {
    return new ConvertOptions(precision, calibration, ioLayout, batch, text, int8Io, dims);
  }
}
