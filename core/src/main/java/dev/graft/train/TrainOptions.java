package dev.graft.train;

import dev.graft.exec.Device;

/**
 * How to train a student. Defaults: 30 epochs, batch 64, learning rate 1e-3 with warm-up and
 * cosine decay, no weight decay, seed 0, CPU with ONNX Runtime's own thread choice, up to 8 AdamW
 * steps per session call (one where a step is heavy, see {@code Trainer}), early stopping after 5
 * epochs without held-out improvement, no fine-tuning. {@code finetuneEpochs} is the number of
 * epochs a replaced region's student is then trained through the frozen rest of the model on the
 * teacher's outputs (0: none; see {@code dev.graft.replace.Replacer}).
 *
 * <pre>{@code
 * TrainOptions o = TrainOptions.defaults().withEpochs(50).withFinetuneEpochs(10)
 *     .withDevice(Device.CUDA);
 * }</pre>
 */
public record TrainOptions(int epochs, int batchSize, double lr, double weightDecay, long seed,
    Device device, int threads, int stepsPerCall, int patience, int finetuneEpochs,
    ProgressListener listener) {

  public TrainOptions {
    if (epochs < 1 || batchSize < 1 || stepsPerCall < 1 || patience < 1 || !(lr > 0)) {
      throw dev.graft.GraftException.badInput(
          "training options need epochs, batch size, steps per call and patience ≥ 1 and a "
              + "positive learning rate; got epochs %d, batch %d, steps %d, patience %d, lr %s",
          epochs, batchSize, stepsPerCall, patience, lr);
    }
    if (finetuneEpochs < 0) {
      throw dev.graft.GraftException.badInput(
          "fine-tuning epochs must be 0 (none) or more, got %d (--finetune N)", finetuneEpochs);
    }
    if (listener == null) {
      listener = ProgressListener.NONE;
    }
  }

  public static TrainOptions defaults() {
    return new TrainOptions(30, 64, 1e-3, 0.0, 0L, Device.CPU, 0, 8, 5, 0,
        ProgressListener.NONE);
  }

  public TrainOptions withEpochs(int v) {
    return new TrainOptions(v, batchSize, lr, weightDecay, seed, device, threads, stepsPerCall,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withBatchSize(int v) {
    return new TrainOptions(epochs, v, lr, weightDecay, seed, device, threads, stepsPerCall,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withLr(double v) {
    return new TrainOptions(epochs, batchSize, v, weightDecay, seed, device, threads,
        stepsPerCall, patience, finetuneEpochs, listener);
  }

  public TrainOptions withWeightDecay(double v) {
    return new TrainOptions(epochs, batchSize, lr, v, seed, device, threads, stepsPerCall,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withSeed(long v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, v, device, threads, stepsPerCall,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withDevice(Device v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, seed, v, threads, stepsPerCall,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withThreads(int v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, seed, device, v, stepsPerCall,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withStepsPerCall(int v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, seed, device, threads, v,
        patience, finetuneEpochs, listener);
  }

  public TrainOptions withPatience(int v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, seed, device, threads,
        stepsPerCall, v, finetuneEpochs, listener);
  }

  /** Epochs of fine-tuning through the rest of the model after fitting a region (0: none). */
  public TrainOptions withFinetuneEpochs(int v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, seed, device, threads,
        stepsPerCall, patience, v, listener);
  }

  public TrainOptions withListener(ProgressListener v) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, seed, device, threads,
        stepsPerCall, patience, finetuneEpochs, v);
  }
}
