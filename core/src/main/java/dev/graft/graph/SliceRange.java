package dev.graft.graph;

/** ONNX Slice's clamping rules for one axis. */
public final class SliceRange {
  private SliceRange() {}

  /** Returns {first index, step, element count} of a slice of an axis of the given size. */
  public static long[] resolve(long start, long end, long step, long size) {
    if (step == 0) {
      throw new IllegalArgumentException("slice step 0");
    }
    long s = start < 0 ? start + size : start;
    long e = end < 0 ? end + size : end;
    if (step > 0) {
      s = Math.max(0, Math.min(size, s));
      e = Math.max(0, Math.min(size, e));
      long count = Math.max(0, (e - s + step - 1) / step);
      return new long[] {s, step, count};
    }
    s = Math.max(-1, Math.min(size - 1, s));
    e = Math.max(-1, Math.min(size - 1, e));
    long count = Math.max(0, (s - e + (-step) - 1) / (-step));
    return new long[] {s, step, count};
  }
}
