package dev.graft.tflite;

import java.util.Arrays;

/**
 * Axis permutations between ONNX's logical layout and the physical layout of a TFLite tensor. A
 * layout {@code p} says that physical axis {@code j} holds logical axis {@code p[j]}; NCHW tensors
 * held as NHWC have {@code p = [0, 2, 3, 1]}.
 */
final class Layout {
  static final int[] NHWC = {0, 2, 3, 1};

  private Layout() {}

  static int[] identity(int rank) {
    int[] p = new int[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = i;
    }
    return p;
  }

  static boolean isIdentity(int[] p) {
    for (int i = 0; i < p.length; i++) {
      if (p[i] != i) {
        return false;
      }
    }
    return true;
  }

  static int[] inverse(int[] p) {
    int[] inv = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inv[p[i]] = i;
    }
    return inv;
  }

  /** The physical axis that holds logical axis {@code axis}. */
  static int physicalAxis(int[] p, int axis) {
    return inverse(p)[axis];
  }

  /** Logical sizes seen in physical order. */
  static int[] apply(int[] p, long[] logical) {
    int[] out = new int[p.length];
    for (int j = 0; j < p.length; j++) {
      out[j] = Math.toIntExact(logical[p[j]]);
    }
    return out;
  }

  /**
   * The TRANSPOSE permutation that turns a tensor held in layout {@code from} into layout {@code
   * to}.
   */
  static int[] transposeBetween(int[] from, int[] to) {
    int[] inv = inverse(from);
    int[] t = new int[to.length];
    for (int i = 0; i < to.length; i++) {
      t[i] = inv[to[i]];
    }
    return t;
  }

  /** The layout of a tensor after logical axes in {@code dropped} are removed. */
  static int[] drop(int[] p, boolean[] dropped) {
    int[] newIndex = new int[p.length];
    int k = 0;
    for (int a = 0; a < p.length; a++) {
      newIndex[a] = dropped[a] ? -1 : k++;
    }
    int[] out = new int[k];
    int j = 0;
    for (int value : p) {
      if (!dropped[value]) {
        out[j++] = newIndex[value];
      }
    }
    return out;
  }

  /**
   * True when holding the tensor in layout {@code p} keeps its elements in the same order as the
   * logical layout, because only axes of size 1 move.
   */
  static boolean sameOrder(int[] p, long[] logical) {
    int last = -1;
    for (int value : p) {
      if (logical[value] != 1) {
        if (value < last) {
          return false;
        }
        last = value;
      }
    }
    return true;
  }

  /**
   * Permutes a dense row-major array: output axis {@code j} is input axis {@code perm[j]}.
   * Works on elements of {@code width} bytes.
   */
  static byte[] permute(byte[] data, long[] dims, int[] perm, int width) {
    int rank = dims.length;
    if (isIdentity(perm)) {
      return data.clone();
    }
    long[] inStride = new long[rank];
    long s = 1;
    for (int i = rank - 1; i >= 0; i--) {
      inStride[i] = s;
      s *= dims[i];
    }
    long[] outDims = new long[rank];
    for (int j = 0; j < rank; j++) {
      outDims[j] = dims[perm[j]];
    }
    byte[] out = new byte[data.length];
    int[] idx = new int[rank];
    long count = s;
    for (long o = 0; o < count; o++) {
      long src = 0;
      for (int j = 0; j < rank; j++) {
        src += idx[j] * inStride[perm[j]];
      }
      System.arraycopy(data, (int) (src * width), out, (int) (o * width), width);
      for (int j = rank - 1; j >= 0; j--) {
        if (++idx[j] < outDims[j]) {
          break;
        }
        idx[j] = 0;
      }
    }
    return out;
  }

  /**
   * For a tensor of logical sizes {@code logical} held in layout {@code p} and flattened in
   * physical order: the logical flat index of each physical flat position.
   */
  static int[] flatOrder(int[] p, long[] logical) {
    int rank = p.length;
    long[] stride = new long[rank];
    long s = 1;
    for (int i = rank - 1; i >= 0; i--) {
      stride[i] = s;
      s *= logical[i];
    }
    int[] out = new int[(int) s];
    int[] idx = new int[rank];
    for (int o = 0; o < s; o++) {
      long src = 0;
      for (int j = 0; j < rank; j++) {
        src += idx[j] * stride[p[j]];
      }
      out[o] = (int) src;
      for (int j = rank - 1; j >= 0; j--) {
        if (++idx[j] < logical[p[j]]) {
          break;
        }
        idx[j] = 0;
      }
    }
    return out;
  }

  static String format(int[] p) {
    return Arrays.toString(p);
  }
}
