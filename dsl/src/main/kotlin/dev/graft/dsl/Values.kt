package dev.graft.dsl

import dev.graft.tflite.Precision

/** An image size, height by width: `images(size = 240 by 320)`. */
public data class Size(val height: Int, val width: Int)

/** `240 by 320`: an image [Size] of height 240 and width 320. */
public infix fun Int.by(width: Int): Size = Size(this, width)

/** TFLite precisions, for `tflite("model.tflite", precision = Int8)`: float32 weights and math. */
public val Fp32: Precision = Precision.FP32

/** float16 weights, float32 math. */
public val Fp16: Precision = Precision.FP16

/** int8 weights quantized at load (dynamic range), float32 activations. */
public val Int8Dynamic: Precision = Precision.INT8_DYNAMIC

/** Full int8: weights and activations, activation ranges from the calibration data. */
public val Int8: Precision = Precision.INT8
