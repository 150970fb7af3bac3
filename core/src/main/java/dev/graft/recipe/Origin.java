package dev.graft.recipe;

/** Where a recipe line was written, for {@code file:line: message} errors. */
public record Origin(String file, int line) {
  public static final Origin UNKNOWN = new Origin("recipe", 0);

  /** Steps made by a command's options: their messages need no location. */
  public static final Origin COMMAND_LINE = new Origin("", 0);

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
