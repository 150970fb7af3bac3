/**
 * Training on ONNX Runtime without its training API: {@link dev.graft.train.Autodiff} turns a
 * forward graph and a scalar loss into a gradient graph by reverse-mode differentiation over the
 * student op set, {@link dev.graft.train.TrainingGraph} unrolls several AdamW steps into one plain
 * ONNX model, and {@link dev.graft.train.Trainer} runs it over shuffled mini-batches of a
 * {@link dev.graft.train.TrainingData} with a held-out split and early stopping.
 */
package dev.graft.train;
