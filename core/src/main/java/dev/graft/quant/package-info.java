/**
 * Quantization of weights and activations for export: symmetric per-channel int8 weights ({@link
 * dev.graft.quant.Int8Weights}) and activation ranges calibrated on sample inputs.
 */
package dev.graft.quant;
