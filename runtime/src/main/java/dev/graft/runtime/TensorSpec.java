package dev.graft.runtime;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import java.util.Arrays;

/**
 * Name, element type and shape of a model input or output as a backend reports it; a dimension
 * of {@code -1} is dynamic (unknown until inputs are given).
 */
public final class TensorSpec {
  private final int index;
  private final String name;
  private final DType dtype;
  private final long[] shape;

  public TensorSpec(int index, String name, DType dtype, long[] shape) {
    this.index = index;
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
  }

  public int index() {
    return index;
  }

  public String name() {
    return name;
  }

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape; {@code -1} marks a dynamic dimension. */
  public long[] shape() {
    return shape.clone();
  }

  /** This shape with every dynamic dimension set to 1. */
  public long[] concreteShape() {
    long[] s = shape.clone();
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0) {
        s[i] = 1;
      }
    }
    return s;
  }

  /** Whether {@code array} has this spec's type and a shape that fits it. */
  public boolean accepts(NdArray array) {
    long[] s = array.shape();
    if (array.type() != dtype || s.length != shape.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (shape[i] >= 0 && shape[i] != s[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "#" + index + " '" + name + "' " + dtype.jsonName() + Arrays.toString(shape);
  }
}
