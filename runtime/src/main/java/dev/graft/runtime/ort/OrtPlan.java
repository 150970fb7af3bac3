package dev.graft.runtime.ort;

import dev.graft.runtime.Accelerator;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime session settings derived from {@link BenchmarkOptions}: plain values, so the
 * mapping is tested without native code.
 *
 * <ul>
 *   <li>CPU: the CPU execution provider; threads set the intra-op pool size.
 *   <li>XNNPACK: the XNNPACK provider with {@code intra_op_num_threads} = threads; the session's
 *       own intra-op pool is cut to one thread without spinning, as ONNX Runtime recommends,
 *       since XNNPACK keeps its own pool.
 *   <li>NNAPI: the NNAPI provider (Android only); threads apply to nodes left on the CPU.
 *   <li>GPU: not offered by this backend.
 * </ul>
 */
public final class OrtPlan {
  /** Execution providers this backend can ask for. */
  public enum Provider {
    CPU,
    XNNPACK,
    NNAPI
  }

  private final Provider provider;
  private final int intraOpThreads;
  private final Map<String, String> sessionConfig;
  private final Map<String, String> providerOptions;

  private OrtPlan(
      Provider provider,
      int intraOpThreads,
      Map<String, String> sessionConfig,
      Map<String, String> providerOptions) {
    this.provider = provider;
    this.intraOpThreads = intraOpThreads;
    this.sessionConfig = Collections.unmodifiableMap(sessionConfig);
    this.providerOptions = Collections.unmodifiableMap(providerOptions);
  }

  /**
   * The plan for {@code options}.
   *
   * @throws BenchmarkException BACKEND_UNAVAILABLE for an accelerator this backend lacks
   */
  public static OrtPlan from(BenchmarkOptions options) throws BenchmarkException {
    int threads = options.threads() > 0 ? options.threads() : 0;
    Map<String, String> config = new LinkedHashMap<>();
    Map<String, String> providerOptions = new LinkedHashMap<>();
    Accelerator a = options.accelerator();
    switch (a) {
      case CPU:
        return new OrtPlan(Provider.CPU, threads, config, providerOptions);
      case XNNPACK:
        config.put("session.intra_op.allow_spinning", "0");
        if (threads > 0) {
          providerOptions.put("intra_op_num_threads", Integer.toString(threads));
        }
        return new OrtPlan(Provider.XNNPACK, 1, config, providerOptions);
      case NNAPI:
        return new OrtPlan(Provider.NNAPI, threads, config, providerOptions);
      default:
        throw new BenchmarkException(
            BenchmarkException.Code.BACKEND_UNAVAILABLE,
            "Accelerator " + a.jsonName() + " is not offered by backend ort, expected one of "
                + "[cpu, xnnpack, nnapi]");
    }
  }

  public Provider provider() {
    return provider;
  }

  /** Intra-op pool size; 0 leaves it to ONNX Runtime. */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Session config entries ({@code SessionOptions.addConfigEntry}). */
  public Map<String, String> sessionConfig() {
    return sessionConfig;
  }

  /** Options passed to the execution provider. */
  public Map<String, String> providerOptions() {
    return providerOptions;
  }
}
