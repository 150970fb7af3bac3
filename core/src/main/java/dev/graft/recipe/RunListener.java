package dev.graft.recipe;

import dev.graft.train.EpochStats;

/** Told what a recipe run is doing, for progress bars. Called on the running thread. */
public interface RunListener {
  RunListener NONE = new RunListener() {};

  default void stepStarted(int index, int count, Step step) {}

  /** Capture or evaluation progress: {@code done} of {@code total} samples. */
  default void progress(String what, long done, long total) {}

  default void epochDone(EpochStats stats, int epochs, double etaSeconds) {}

  default void stepFinished(int index, Step step, boolean cached, double seconds) {}
}
