package dev.graft.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Comparisons and selections on the small integer tensors that hold shapes, as exporters write
 * them around {@code expand(B, -1, -1)}: {@code Where(Equal(shape, -1), ones, shape)}. Booleans
 * are held as the dimensions 1 and 0. A symbolic axis is a size, never negative, so it differs
 * from every negative constant even before it is bound (an unnamed {@code ?N} may not be a size).
 */
final class ShapeValues {
  private ShapeValues() {}

  /** 1 where the two dimensions are certainly equal, 0 where they certainly differ. */
  static Dim equal(Dim a, Dim b) {
    if (a.isKnown() && b.isKnown()) {
      return Dim.of(a.value() == b.value() ? 1 : 0);
    }
    if (a.equals(b)) {
      return Dim.of(1);
    }
    if (neverNegative(a) && b.isKnown() && b.value() < 0
        || neverNegative(b) && a.isKnown() && a.value() < 0) {
      return Dim.of(0);
    }
    return Dim.unknown();
  }

  private static boolean neverNegative(Dim d) {
    return !d.isKnown() && !d.symbol().startsWith("?") && d.coefficient() > 0;
  }

  /** Elementwise selection with broadcasting of length-1 operands, or null when not known. */
  static List<Dim> where(List<Dim> cond, List<Dim> a, List<Dim> b) {
    if (cond == null || a == null || b == null) {
      return null;
    }
    int len = Math.max(cond.size(), Math.max(a.size(), b.size()));
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < len; i++) {
      Dim c = at(cond, i);
      if (!c.isKnown()) {
        return null;
      }
      out.add(c.value() != 0 ? at(a, i) : at(b, i));
    }
    return out;
  }

  private static Dim at(List<Dim> v, int i) {
    return v.get(v.size() == 1 ? 0 : i);
  }
}
