package dev.graft.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The shape of a tensor: a list of {@link Dim}s, possibly symbolic. Immutable. */
public final class Shape {
  private final List<Dim> dims;

  private Shape(List<Dim> dims) {
    this.dims = Collections.unmodifiableList(new ArrayList<>(dims));
  }

  public static Shape of(List<Dim> dims) {
    return new Shape(dims);
  }

  public static Shape of(long... sizes) {
    List<Dim> d = new ArrayList<>();
    for (long s : sizes) {
      d.add(Dim.of(s));
    }
    return new Shape(d);
  }

  public static Shape scalar() {
    return new Shape(List.of());
  }

  public List<Dim> dims() {
    return dims;
  }

  public int rank() {
    return dims.size();
  }

  public Dim dim(int axis) {
    return dims.get(axis < 0 ? axis + dims.size() : axis);
  }

  public boolean isStatic() {
    return dims.stream().allMatch(Dim::isKnown);
  }

  /** The sizes; only for static shapes. */
  public long[] sizes() {
    long[] s = new long[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims.get(i).value();
    }
    return s;
  }

  /** Elements per row, that is the product of every axis but the first; only when those are known. */
  public long rowSize() {
    long n = 1;
    for (int i = 1; i < dims.size(); i++) {
      n *= dims.get(i).value();
    }
    return n;
  }

  /** Product of all dimensions, symbolic where they are. */
  public Dim elementCount() {
    Dim n = Dim.of(1);
    for (Dim d : dims) {
      n = n.times(d);
    }
    return n;
  }

  /** This shape with every occurrence of {@code symbol} replaced by {@code value}. */
  public Shape bind(String symbol, long value) {
    List<Dim> out = new ArrayList<>();
    for (Dim d : dims) {
      out.add(symbol.equals(d.symbol()) ? Dim.of(d.coefficient() * value) : d);
    }
    return new Shape(out);
  }

  public Shape withDim(int axis, Dim d) {
    List<Dim> out = new ArrayList<>(dims);
    out.set(axis, d);
    return new Shape(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && s.dims.equals(dims);
  }

  @Override
  public int hashCode() {
    return dims.hashCode();
  }

  @Override
  public String toString() {
    return dims.toString();
  }

  public static String format(long[] sizes) {
    return Arrays.toString(sizes);
  }
}
