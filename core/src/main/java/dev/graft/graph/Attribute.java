package dev.graft.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A node attribute: a name and a value of one of ONNX's attribute kinds. Values are immutable; list
 * kinds are stored as primitive arrays and copied on the way in and out.
 */
public final class Attribute {
  /** The ONNX attribute kinds Graft supports. */
  public enum Kind {
    FLOAT,
    INT,
    STRING,
    TENSOR,
    FLOATS,
    INTS,
    STRINGS
  }

  private final String name;
  private final Kind kind;
  private final Object value;

  private Attribute(String name, Kind kind, Object value) {
    this.name = Objects.requireNonNull(name);
    this.kind = kind;
    this.value = value;
  }

  public static Attribute of(String name, long v) {
    return new Attribute(name, Kind.INT, v);
  }

  public static Attribute of(String name, float v) {
    return new Attribute(name, Kind.FLOAT, v);
  }

  public static Attribute of(String name, String v) {
    return new Attribute(name, Kind.STRING, v);
  }

  public static Attribute of(String name, TensorData v) {
    return new Attribute(name, Kind.TENSOR, v);
  }

  public static Attribute ints(String name, long... v) {
    return new Attribute(name, Kind.INTS, v.clone());
  }

  public static Attribute floats(String name, float... v) {
    return new Attribute(name, Kind.FLOATS, v.clone());
  }

  public static Attribute strings(String name, List<String> v) {
    return new Attribute(name, Kind.STRINGS, List.copyOf(v));
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public long asLong() {
    expect(Kind.INT);
    return (Long) value;
  }

  public float asFloat() {
    if (kind == Kind.INT) {
      return ((Long) value).floatValue();
    }
    expect(Kind.FLOAT);
    return (Float) value;
  }

  public String asString() {
    expect(Kind.STRING);
    return (String) value;
  }

  public TensorData asTensor() {
    expect(Kind.TENSOR);
    return (TensorData) value;
  }

  public long[] asLongs() {
    if (kind == Kind.INT) {
      return new long[] {(Long) value};
    }
    expect(Kind.INTS);
    return ((long[]) value).clone();
  }

  public float[] asFloats() {
    expect(Kind.FLOATS);
    return ((float[]) value).clone();
  }

  @SuppressWarnings("unchecked")
  public List<String> asStrings() {
    expect(Kind.STRINGS);
    return (List<String>) value;
  }

  private void expect(Kind k) {
    if (kind != k) {
      // attributes come from the model a user gave: a wrong kind is its fault
      throw dev.graft.GraftException.badInput("attribute %s is %s, expected %s", name, kind, k);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Attribute a) || !a.name.equals(name) || a.kind != kind) {
      return false;
    }
    if (value instanceof long[] l) {
      return Arrays.equals(l, (long[]) a.value);
    }
    if (value instanceof float[] f) {
      return Arrays.equals(f, (float[]) a.value);
    }
    return value.equals(a.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind);
  }

  @Override
  public String toString() {
    String v =
        value instanceof long[] l
            ? Arrays.toString(l)
            : value instanceof float[] f ? Arrays.toString(f) : String.valueOf(value);
    return name + "=" + v;
  }
}
