package dev.graft.graph;

import dev.graft.io.DType;
import java.util.Objects;

/** The declared type of a named tensor: element type and shape (null when not known). */
public record ValueInfo(String name, DType type, Shape shape) {
  public ValueInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public ValueInfo withShape(Shape s) {
    return new ValueInfo(name, type, s);
  }

  public ValueInfo withName(String n) {
    return new ValueInfo(n, type, shape);
  }

  @Override
  public String toString() {
    return name + ":" + type + (shape == null ? "" : shape.toString());
  }
}
