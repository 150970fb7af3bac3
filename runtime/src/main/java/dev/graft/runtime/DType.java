package dev.graft.runtime;

import java.util.Arrays;

/**
 * Element types a benchmark can feed to and read from a model, with their {@code .npy} names.
 *
 * <p>All multi-byte types are stored little-endian, as {@code .npy} files and every Android ABI
 * store them.
 */
public enum DType {
  FLOAT32("float32", "<f4", 4),
  INT8("int8", "|i1", 1),
  UINT8("uint8", "|u1", 1),
  INT32("int32", "<i4", 4),
  INT64("int64", "<i8", 8);

  private final String jsonName;
  private final String npyDescr;
  private final int byteSize;

  DType(String jsonName, String npyDescr, int byteSize) {
    this.jsonName = jsonName;
    this.npyDescr = npyDescr;
    this.byteSize = byteSize;
  }

  /** The lower-case name used in result JSON, e.g. {@code float32}. */
  public String jsonName() {
    return jsonName;
  }

  /** The numpy {@code descr} string, e.g. {@code <f4}. */
  public String npyDescr() {
    return npyDescr;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * The type named {@code name} in result JSON.
   *
   * @throws IllegalArgumentException naming the allowed names when {@code name} is unknown
   */
  public static DType fromJsonName(String name) {
    for (DType t : values()) {
      if (t.jsonName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "Unknown dtype '" + name + "', expected one of " + Arrays.toString(jsonNames()));
  }

  /**
   * The type with numpy descr {@code descr}; {@code =} and {@code <} byte orders are both accepted
   * for little-endian data, and {@code |}, {@code <} or {@code =} for single bytes.
   *
   * @throws IllegalArgumentException when the descr is not one of the supported types
   */
  public static DType fromNpyDescr(String descr) {
    String d = descr;
    if (d.length() == 3 && (d.charAt(0) == '=' || d.charAt(0) == '<' || d.charAt(0) == '|')) {
      d = d.substring(1);
    }
    for (DType t : values()) {
      if (t.npyDescr.substring(1).equals(d)) {
        return t;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (DType t : values()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(t.npyDescr);
    }
    throw new IllegalArgumentException(
        "Unsupported npy dtype '" + descr + "', expected one of [" + allowed + "]");
  }

  private static String[] jsonNames() {
    String[] names = new String[values().length];
    for (int i = 0; i < names.length; i++) {
      names[i] = values()[i].jsonName;
    }
    return names;
  }
}
