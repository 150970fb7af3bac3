package dev.graft;

/**
 * The one exception Graft throws for problems a user can act on.
 *
 * <p>{@link Kind#BAD_INPUT} means the user's model, data, names or options are wrong (the
 * command-line exit status is 2); {@link Kind#FAILURE} means the work itself failed, for example a
 * fidelity bound was missed or a runtime broke (exit status 1). The message is one line that names
 * the thing and the place, and where possible the valid choices.
 */
public final class GraftException extends RuntimeException {
  /** What kind of problem this is, which decides the exit status. */
  public enum Kind {
    BAD_INPUT(2),
    FAILURE(1);

    private final int exitStatus;

    Kind(int exitStatus) {
      this.exitStatus = exitStatus;
    }

    public int exitStatus() {
      return exitStatus;
    }
  }

  private final Kind kind;

  public GraftException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public GraftException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** A problem with what the user gave: exit status 2. */
  public static GraftException badInput(String format, Object... args) {
    return new GraftException(Kind.BAD_INPUT, String.format(format, args));
  }

  /** A failure of the work: exit status 1. */
  public static GraftException failure(String format, Object... args) {
    return new GraftException(Kind.FAILURE, String.format(format, args));
  }

  public Kind kind() {
    return kind;
  }

  public int exitStatus() {
    return kind.exitStatus();
  }
}
