package dev.graft.exec;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxWriter;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX Runtime session together with the options it was made with: the one place Graft opens
 * sessions. ONNX Runtime's rule is that session options must stay open as long as any session
 * made with them, so both live and are closed together here. Not thread-safe for {@link
 * #close}; close it.
 *
 * <pre>{@code
 * try (Session s = Session.open(graph, Device.CPU, 0)) {
 *   try (OrtSession.Result r = s.run(feed)) { ... }
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
  private final OrtSession session;
  private final OrtSession.SessionOptions options;

  private Session(OrtSession session, OrtSession.SessionOptions options) {
    this.session = session;
    this.options = options;
  }

  /**
   * A session on a graph Graft built (a training graph, a statistics graph): ONNX Runtime
   * refusing it is a failure of Graft's work. {@code threads} ≤ 0 uses all cores.
   */
  public static Session open(Graph g, Device device, int threads) {
    try {
      return load(OnnxWriter.toBytes(g), device, threads);
    } catch (OrtException e) {
      throw GraftException.failure("ONNX Runtime cannot load graph %s: %s", g.name(),
          OrtRunner.oneLine(e));
    }
  }

  /**
   * As {@link #open}, with ONNX Runtime's profiler on: every node's run time goes to a JSON file
   * that starts with {@code prefix}, written by {@link #endProfiling} (for benchmarks).
   */
  public static Session openProfiled(Graph g, Device device, int threads, String prefix) {
    try {
      OrtSession.SessionOptions opts = options(device, threads);
      try {
        opts.enableProfiling(prefix);
        return new Session(Ort.env().createSession(OnnxWriter.toBytes(g), opts), opts);
      } catch (OrtException | RuntimeException e) {
        opts.close();
        throw e;
      }
    } catch (OrtException e) {
      throw GraftException.failure("ONNX Runtime cannot load graph %s: %s", g.name(),
          OrtRunner.oneLine(e));
    }
  }

  /** Ends profiling of an {@link #openProfiled} session; returns the profile's file name. */
  public String endProfiling() throws OrtException {
    return session.endProfiling();
  }

  /**
   * A session on serialized model bytes with the options every Graft session uses ({@link
   * #options}); the caller decides what a refusal means.
   */
  static Session load(byte[] model, Device device, int threads) throws OrtException {
    OrtSession.SessionOptions opts = options(device, threads);
    try {
      return new Session(Ort.env().createSession(model, opts), opts);
    } catch (OrtException | RuntimeException e) {
      opts.close();
      throw e;
    }
  }

  /**
   * Session options every Graft session uses: all graph optimizations, {@code threads} intra-op
   * threads (all cores when ≤ 0) that sleep rather than spin between calls, and the CUDA provider
   * for {@link Device#CUDA} — a clear error where it is missing, never a silent fallback.
   */
  private static OrtSession.SessionOptions options(Device device, int threads)
      throws OrtException {
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    opts.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    opts.setInterOpNumThreads(1);
    opts.addConfigEntry("session.intra_op.allow_spinning", "0");
    if (device == Device.CUDA) {
      try {
        opts.addCUDA(0);
      } catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
        opts.close();
        throw GraftException.badInput(
            "--device cuda: this ONNX Runtime has no usable CUDA provider (%s); build with"
                + " -Pcuda and run on a machine with CUDA 12 and cuDNN 9, or use --device cpu",
            OrtRunner.oneLine(e));
      }
    }
    return opts;
  }

  /** The ONNX Runtime session, for callers that feed and keep {@code OnnxTensor}s themselves. */
  public OrtSession raw() {
    return session;
  }

  /** Runs with every output. */
  public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feed) throws OrtException {
    return session.run(feed);
  }

  /** Runs with the named outputs. */
  public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feed, Set<String> outputs)
      throws OrtException {
    return session.run(feed, outputs);
  }

  /** Whether the options this session was made with are still open (they are until close). */
  boolean optionsOpen() {
    try {
      options.getConfigEntries();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** Closes the session, then its options. */
  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw GraftException.failure("closing ONNX Runtime session: %s", OrtRunner.oneLine(e));
    } finally {
      options.close();
    }
  }
}
