package dev.graft.train;

/**
 * AdamW hyperparameters and its learning-rate schedule: linear warm-up over the first
 * {@code warmupSteps}, then cosine decay to {@code minLrFactor × lr} at {@code totalSteps}.
 * Weight decay is decoupled and applies to weights of rank 2 or more, not to biases and norms.
 */
public record AdamW(double lr, double beta1, double beta2, double eps, double weightDecay,
    long warmupSteps, long totalSteps, double minLrFactor) {

  public static AdamW of(double lr, long totalSteps) {
    return new AdamW(lr, 0.9, 0.999, 1e-8, 0.0, Math.max(1, totalSteps / 20), totalSteps, 0.05);
  }

  /** The learning rate at 1-based step {@code t}. */
  public double lrAt(long t) {
    if (t <= warmupSteps) {
      return lr * t / warmupSteps;
    }
    double span = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (t - warmupSteps) / span);
    double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
    return lr * (minLrFactor + (1 - minLrFactor) * cos);
  }

  /**
   * The three per-step scalars the training graph reads at step {@code t}, with both bias
   * corrections folded in so that the update is {@code m / (sqrt(v) + ε̂) × α̂}: the step size
   * {@code α̂ = lr_t × sqrt(1 - β2^t) / (1 - β1^t)}, {@code ε̂ = ε × sqrt(1 - β2^t)} and the decay
   * factor {@code 1 - lr_t × weightDecay}. This equals {@code lr_t × m̂ / (sqrt(v̂) + ε)} with
   * {@code m̂ = m / (1 - β1^t)} and {@code v̂ = v / (1 - β2^t)}.
   */
  public float[] stepScalars(long t) {
    double lrt = lrAt(t);
    double c2 = Math.sqrt(1 - Math.pow(beta2, t));
    return new float[] {
      (float) (lrt * c2 / (1 - Math.pow(beta1, t))),
      (float) (eps * c2),
      (float) (1 - lrt * weightDecay)
    };
  }
}
