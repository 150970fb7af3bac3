package dev.graft.runtime;

/**
 * Why a benchmark could not run: the one checked exception of this package. Its message is one
 * line that names the thing at fault (a file, an input, an accelerator) and, where there is a
 * choice, the allowed values. Wrong outputs are not an exception: they are reported in the
 * {@link BenchmarkResult} with status {@code failed}.
 */
public final class BenchmarkException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, with the exit status the {@code graft} command maps it to. */
  public enum Code {
    /** The model file does not exist or cannot be read. */
    MODEL_NOT_FOUND(2),
    /** Inputs, reference data or options do not fit the model or are malformed. */
    BAD_INPUT(2),
    /** The runtime or accelerator is not present in this process (library, provider, delegate). */
    BACKEND_UNAVAILABLE(2),
    /** The backend cannot load or prepare this model (unsupported op, corrupt file). */
    UNSUPPORTED_MODEL(2),
    /** Inference itself failed. */
    RUN_FAILED(1);

    private final int exitStatus;

    Code(int exitStatus) {
      this.exitStatus = exitStatus;
    }

    /** 2 for bad input or usage, 1 for a failure of the work. */
    public int exitStatus() {
      return exitStatus;
    }

    /** The name used in result JSON, e.g. {@code model_not_found}. */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Code code;

  public BenchmarkException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public BenchmarkException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
