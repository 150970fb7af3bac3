package dev.graft.recipe;

import java.nio.file.Path;

/** The small checks several steps share; each error names the step's origin. */
final class Checks {
  private Checks() {}

  static void name(Origin origin, String what, String value) {
    if (value == null || value.isBlank()) {
      throw Recipe.error(origin, "%s is empty: name a layer (module path, node or tensor)", what);
    }
  }

  static void path(Origin origin, String what, Path path) {
    if (path == null || path.toString().isEmpty()) {
      throw Recipe.error(origin, "%s names no file", what);
    }
  }
}
