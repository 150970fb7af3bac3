package dev.graft.graph;

import java.util.Objects;

/**
 * One dimension of a shape: a known size, or {@code coefficient × symbol} for sizes that depend on
 * a symbolic axis such as the batch ({@code batch}, {@code batch*4}). A dimension nobody can know
 * is a symbol of its own ({@code ?3}).
 */
public final class Dim {
  private final long coefficient;
  private final String symbol;

  private Dim(long coefficient, String symbol) {
    this.coefficient = coefficient;
    this.symbol = symbol;
  }

  public static Dim of(long value) {
    return new Dim(value, null);
  }

  public static Dim symbol(String name) {
    return new Dim(1, Objects.requireNonNull(name));
  }

  private static int unknownCounter;

  /** A fresh dimension that no rule can resolve. */
  public static synchronized Dim unknown() {
    return new Dim(1, "?" + (++unknownCounter));
  }

  public boolean isKnown() {
    return symbol == null;
  }

  /** The size; only for known dimensions (else {@link SymbolicException}). */
  public long value() {
    if (symbol != null) {
      throw new SymbolicException(this);
    }
    return coefficient;
  }

  /** Thrown where a size is needed and the dimension is symbolic; names its symbol. */
  public static final class SymbolicException extends IllegalStateException {
    private final transient Dim dim;

    SymbolicException(Dim dim) {
      super("dimension " + dim + " is symbolic");
      this.dim = dim;
    }

    public String symbol() {
      return dim.symbol;
    }
  }

  public String symbol() {
    return symbol;
  }

  public long coefficient() {
    return coefficient;
  }

  public Dim times(Dim other) {
    if (isKnown() && other.isKnown()) {
      return of(coefficient * other.coefficient);
    }
    if (isKnown()) {
      return new Dim(coefficient * other.coefficient, other.symbol);
    }
    if (other.isKnown()) {
      return new Dim(coefficient * other.coefficient, symbol);
    }
    return unknown();
  }

  /** Exact division, or an unknown dimension when it does not divide. */
  public Dim dividedBy(Dim other) {
    if (other.isKnown() && other.coefficient != 0 && coefficient % other.coefficient == 0) {
      return new Dim(coefficient / other.coefficient, symbol);
    }
    if (!other.isKnown() && other.symbol.equals(symbol) && coefficient % other.coefficient == 0) {
      return of(coefficient / other.coefficient);
    }
    return unknown();
  }

  public Dim plus(Dim other) {
    if (isKnown() && other.isKnown()) {
      return of(coefficient + other.coefficient);
    }
    if (!isKnown() && Objects.equals(symbol, other.symbol)) {
      return new Dim(coefficient + other.coefficient, symbol);
    }
    return unknown();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dim d && d.coefficient == coefficient && Objects.equals(d.symbol, symbol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(coefficient, symbol);
  }

  @Override
  public String toString() {
    if (symbol == null) {
      return Long.toString(coefficient);
    }
    return coefficient == 1 ? symbol : symbol + "*" + coefficient;
  }
}
