package dev.graft.runtime;

/**
 * How to run a benchmark: warm-up and timed run counts, CPU threads, accelerator, and the
 * tolerance for the reference-output check. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * BenchmarkOptions options = BenchmarkOptions.builder()
 *     .warmup(10).runs(50).threads(4).accelerator(Accelerator.GPU).build();
 * }</pre>
 *
 * <p>An output element {@code a} matches its reference {@code r} when
 * {@code |a - r| <= atol + rtol * |r|}.
 */
public final class BenchmarkOptions {
  /** {@link #threads()} value that leaves the thread count to the runtime. */
  public static final int DEFAULT_THREADS = -1;

  private final int warmup;
  private final int runs;
  private final int threads;
  private final Accelerator accelerator;
  private final Boolean xnnpack;
  private final boolean allowFp16;
  private final double atol;
  private final double rtol;
  private final long seed;

  private BenchmarkOptions(Builder b) {
    this.warmup = b.warmup;
    this.runs = b.runs;
    this.threads = b.threads;
    this.accelerator = b.accelerator;
    this.xnnpack = b.xnnpack;
    this.allowFp16 = b.allowFp16;
    this.atol = b.atol;
    this.rtol = b.rtol;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder()
        .warmup(warmup)
        .runs(runs)
        .threads(threads)
        .accelerator(accelerator)
        .xnnpack(xnnpack)
        .allowFp16(allowFp16)
        .atol(atol)
        .rtol(rtol)
        .seed(seed);
  }

  /** Untimed runs after the first inference; default 10. */
  public int warmup() {
    return warmup;
  }

  /** Timed runs; default 50. */
  public int runs() {
    return runs;
  }

  /** CPU threads, or {@link #DEFAULT_THREADS} for the runtime's default. */
  public int threads() {
    return threads;
  }

  /** Default {@link Accelerator#CPU}. */
  public Accelerator accelerator() {
    return accelerator;
  }

  /** TFLite on CPU: force XNNPACK on or off; {@code null} (default) keeps TFLite's default. */
  public Boolean xnnpack() {
    return xnnpack;
  }

  /**
   * Let an accelerator compute a float32 model in float16 (TFLite GPU precision loss, NNAPI
   * allowFp16); default false, so the output check holds float32 tolerances.
   */
  public boolean allowFp16() {
    return allowFp16;
  }

  /** Absolute tolerance of the output check; default 1e-4. */
  public double atol() {
    return atol;
  }

  /** Relative tolerance of the output check; default 1e-3. */
  public double rtol() {
    return rtol;
  }

  /** Seed of synthetic inputs used when no reference inputs are given; default 0. */
  public long seed() {
    return seed;
  }

  /** Builder of {@link BenchmarkOptions}; setters reject impossible values at once. */
  public static final class Builder {
    private int warmup = 10;
    private int runs = 50;
    private int threads = DEFAULT_THREADS;
    private Accelerator accelerator = Accelerator.CPU;
    private Boolean xnnpack;
    private boolean allowFp16;
    private double atol = 1e-4;
    private double rtol = 1e-3;
    private long seed;

    private Builder() {}

    public Builder warmup(int warmup) {
      if (warmup < 0) {
        throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
      }
      this.warmup = warmup;
      return this;
    }

    public Builder runs(int runs) {
      if (runs < 1) {
        throw new IllegalArgumentException("runs must be >= 1, got " + runs);
      }
      this.runs = runs;
      return this;
    }

    public Builder threads(int threads) {
      if (threads < 1 && threads != DEFAULT_THREADS) {
        throw new IllegalArgumentException(
            "threads must be >= 1 or " + DEFAULT_THREADS + " (runtime default), got " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Builder accelerator(Accelerator accelerator) {
      if (accelerator == null) {
        throw new IllegalArgumentException("accelerator must not be null");
      }
      this.accelerator = accelerator;
      return this;
    }

    public Builder xnnpack(Boolean xnnpack) {
      this.xnnpack = xnnpack;
      return this;
    }

    public Builder allowFp16(boolean allowed) {
      this.allowFp16 = allowed;
      return this;
    }

    public Builder atol(double atol) {
      if (!(atol >= 0)) {
        throw new IllegalArgumentException("atol must be >= 0, got " + atol);
      }
      this.atol = atol;
      return this;
    }

    public Builder rtol(double rtol) {
      if (!(rtol >= 0)) {
        throw new IllegalArgumentException("rtol must be >= 0, got " + rtol);
      }
      this.rtol = rtol;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public BenchmarkOptions build() {
      return new BenchmarkOptions(this);
    }
  }
}
