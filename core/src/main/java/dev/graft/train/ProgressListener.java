package dev.graft.train;

/**
 * Told about training progress after every epoch, for progress bars. Called on the training
 * thread; keep it quick.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (stats, epochs, etaSeconds) -> {};

  /**
   * One epoch finished.
   *
   * @param stats the epoch's losses
   * @param epochs the most epochs this run will take (early stopping may end it sooner)
   * @param etaSeconds estimated seconds left if all epochs run
   */
  void epochDone(EpochStats stats, int epochs, double etaSeconds);
}
