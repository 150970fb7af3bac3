package dev.graft.tflite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How to reshape a tensor held in a permuted layout without going back to ONNX's layout: the
 * reshape is split into groups of axes whose sizes multiply to the same (a channel axis C split
 * into [g, C/g], or [C/g, g] merged into C), and each group is reshaped where it lies in the
 * physical layout. When a group's axes are out of order in memory (the second reshape of a
 * channel shuffle), one TRANSPOSE puts them in order first, chosen so that the output is
 * NHWC: an NHWC tensor stays NHWC through the Reshape → Transpose → Reshape idioms of channel
 * shuffles, pixel shuffles and space-to-depth.
 *
 * @param input the layout the input must be held in (its current one when no TRANSPOSE is
 *     needed)
 * @param output the layout of the reshaped tensor
 */
record ReshapePlan(int[] input, int[] output) {
  /**
   * The plan for reshaping logical sizes {@code in}, held in layout {@code p}, to logical sizes
   * {@code out}; null when the sizes do not factor into groups (then reshape in ONNX's layout).
   */
  static ReshapePlan of(long[] in, int[] p, long[] out) {
    List<int[][]> groups = groups(in, out);
    if (groups == null) {
      return null;
    }
    // the groups in the order they appear in memory: no TRANSPOSE when each lies in order
    int[] position = Layout.inverse(p);
    groups.sort((a, b) -> Integer.compare(first(a[0], position), first(b[0], position)));
    int[] kept = fill(p, in, inputOrder(groups, in));
    if (!Arrays.equals(kept, p)) {
      // a TRANSPOSE is needed anyway: make the output NHWC in an NHWC net, else ONNX's layout
      int[] rank = out.length == 4 && !Layout.isIdentity(p) ? Layout.inverse(Layout.NHWC)
          : Layout.identity(out.length);
      groups.sort((a, b) -> Integer.compare(rank[a[1][0]], rank[b[1][0]]));
    }
    int[] nonUnitOut = new int[count(out)];
    int o = 0;
    for (int[][] g : groups) {
      for (int a : g[1]) {
        nonUnitOut[o++] = a;
      }
    }
    return new ReshapePlan(fill(p, in, inputOrder(groups, in)), layoutFor(out, nonUnitOut));
  }

  private static int[] inputOrder(List<int[][]> groups, long[] in) {
    int[] order = new int[count(in)];
    int i = 0;
    for (int[][] g : groups) {
      for (int a : g[0]) {
        order[i++] = a;
      }
    }
    return order;
  }

  /**
   * Groups of non-unit input axes and output axes (each ascending) whose sizes have the same
   * product, in logical order.
   */
  private static List<int[][]> groups(long[] in, long[] out) {
    List<int[][]> groups = new ArrayList<>();
    int i = 0;
    int o = 0;
    while (true) {
      while (i < in.length && in[i] == 1) {
        i++;
      }
      while (o < out.length && out[o] == 1) {
        o++;
      }
      if (i == in.length || o == out.length) {
        return i == in.length && o == out.length ? groups : null;
      }
      List<Integer> gi = new ArrayList<>(List.of(i));
      List<Integer> go = new ArrayList<>(List.of(o));
      long pi = in[i++];
      long po = out[o++];
      while (pi != po) {
        if (pi < po) {
          if (i == in.length) {
            return null;
          }
          if (in[i] != 1) {
            gi.add(i);
          }
          pi *= in[i++];
        } else {
          if (o == out.length) {
            return null;
          }
          if (out[o] != 1) {
            go.add(o);
          }
          po *= out[o++];
        }
      }
      groups.add(new int[][] {toArray(gi), toArray(go)});
    }
  }

  private static int first(int[] axes, int[] position) {
    int m = Integer.MAX_VALUE;
    for (int a : axes) {
      m = Math.min(m, position[a]);
    }
    return m;
  }

  private static int count(long[] dims) {
    return (int) Arrays.stream(dims).filter(d -> d != 1).count();
  }

  /** Layout {@code p} with its non-unit axes replaced, in order, by {@code order}. */
  private static int[] fill(int[] p, long[] dims, int[] order) {
    int[] out = p.clone();
    int k = 0;
    for (int j = 0; j < p.length; j++) {
      if (dims[p[j]] != 1) {
        out[j] = order[k++];
      }
    }
    return out;
  }

  /**
   * A layout whose non-unit axes come in {@code order}: ONNX's or NHWC when one of them does,
   * else unit axes first.
   */
  private static int[] layoutFor(long[] dims, int[] order) {
    List<int[]> candidates = new ArrayList<>();
    candidates.add(Layout.identity(dims.length));
    if (dims.length == 4) {
      candidates.add(Layout.NHWC);
    }
    for (int[] c : candidates) {
      int[] nonUnit = Arrays.stream(c).filter(a -> dims[a] != 1).toArray();
      if (Arrays.equals(nonUnit, order)) {
        return c;
      }
    }
    int[] out = new int[dims.length];
    int k = 0;
    for (int a = 0; a < dims.length; a++) {
      if (dims[a] == 1) {
        out[k++] = a;
      }
    }
    System.arraycopy(order, 0, out, k, order.length);
    return out;
  }

  private static int[] toArray(List<Integer> v) {
    return v.stream().mapToInt(Integer::intValue).toArray();
  }
}
