package dev.graft.exec;

import dev.graft.GraftException;
import java.util.Locale;

/** Where ONNX Runtime runs Graft's tensor math. */
public enum Device {
  CPU,
  CUDA;

  public static Device parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw GraftException.badInput("unknown device '%s', expected one of [cpu, cuda]", s);
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
