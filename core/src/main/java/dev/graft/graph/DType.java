package dev.graft.graph;

import dev.graft.GraftException;

/** Element types of tensors, numbered as ONNX numbers them. */
public enum DType {
  FLOAT(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  UINT16(4, 2),
  INT16(5, 2),
  INT32(6, 4),
  INT64(7, 8),
  STRING(8, 0),
  BOOL(9, 1),
  FLOAT16(10, 2),
  DOUBLE(11, 8),
  UINT32(12, 4),
  UINT64(13, 8),
  BFLOAT16(16, 2);

  private final int onnxCode;
  private final int byteSize;

  DType(int onnxCode, int byteSize) {
    this.onnxCode = onnxCode;
    this.byteSize = byteSize;
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

  public static DType fromOnnx(int code) {
    for (DType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    throw GraftException.badInput("unsupported ONNX element type %d", code);
  }
}
