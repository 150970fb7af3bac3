package dev.graft.io;

import dev.graft.GraftException;

/**
 * Element types of tensors, numbered as ONNX numbers them, with the names result JSON uses
 * ({@code float32}) and NumPy's {@code .npy} type strings ({@code <f4}).
 *
 * <p>Multi-byte types are stored little-endian, as {@code .npy} files and every Android ABI store
 * them. {@link NdArray} holds values of {@link #FLOAT}, {@link #INT64}, {@link #INT32}, {@link
 * #INT8}, {@link #UINT8} and {@link #BOOL}; the others describe graph tensors only.
 */
public enum DType {
  FLOAT(1, 4, "float32", "<f4"),
  UINT8(2, 1, "uint8", "|u1"),
  INT8(3, 1, "int8", "|i1"),
  UINT16(4, 2, "uint16", "<u2"),
  INT16(5, 2, "int16", "<i2"),
  INT32(6, 4, "int32", "<i4"),
  INT64(7, 8, "int64", "<i8"),
  STRING(8, 0, "string", null),
  BOOL(9, 1, "bool", "|b1"),
  FLOAT16(10, 2, "float16", "<f2"),
  DOUBLE(11, 8, "float64", "<f8"),
  UINT32(12, 4, "uint32", "<u4"),
  UINT64(13, 8, "uint64", "<u8"),
  BFLOAT16(16, 2, "bfloat16", null);

  private final int onnxCode;
  private final int byteSize;
  private final String jsonName;
  private final String npyDescr;

  DType(int onnxCode, int byteSize, String jsonName, String npyDescr) {
    this.onnxCode = onnxCode;
    this.byteSize = byteSize;
    this.jsonName = jsonName;
    this.npyDescr = npyDescr;
  }

  public int onnxCode() {
    return onnxCode;
  }

  /** Bytes per element; 0 for strings. */
  public int byteSize() {
    return byteSize;
  }

  public boolean isFloating() {
    return this == FLOAT || this == FLOAT16 || this == DOUBLE || this == BFLOAT16;
  }

  /** The lower-case name used in result JSON, e.g. {@code float32}. */
  public String jsonName() {
    return jsonName;
  }

  /** NumPy's {@code descr} string, e.g. {@code <f4}; null where NumPy has none. */
  public String npyDescr() {
    return npyDescr;
  }

  /**
   * The type ONNX numbers {@code code}.
   *
   * @throws GraftException bad input for a number ONNX does not give a supported type
   */
  public static DType fromOnnx(int code) {
    for (DType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    throw GraftException.badInput("unsupported ONNX element type %d", code);
  }

  /**
   * The type with NumPy descr {@code descr}: {@code <} and {@code =} mark little-endian data, and
   * {@code |}, {@code <} or {@code =} single bytes. Null for a descr no type has (big-endian data
   * included).
   */
  static DType fromNpyDescr(String descr) {
    if (descr.length() != 3 || "<=|".indexOf(descr.charAt(0)) < 0) {
      return null;
    }
    String code = descr.substring(1);
    for (DType t : values()) {
      if (t.npyDescr != null && t.npyDescr.substring(1).equals(code)
          && (t.byteSize == 1 || descr.charAt(0) != '|')) {
        return t;
      }
    }
    return null;
  }
}
