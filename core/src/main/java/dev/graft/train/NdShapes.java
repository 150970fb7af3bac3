package dev.graft.train;

/** Small helpers over shapes as {@code long[]}. */
final class NdShapes {
  private NdShapes() {}

  static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  static int axis(long axis, int rank) {
    return (int) (axis < 0 ? axis + rank : axis);
  }

  static long[] orOnes(long[] v, int n) {
    if (v != null) {
      return v;
    }
    long[] ones = new long[n];
    java.util.Arrays.fill(ones, 1);
    return ones;
  }
}
