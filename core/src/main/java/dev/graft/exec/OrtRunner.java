package dev.graft.exec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX Runtime session over a graph, on the CPU or through the CUDA provider. Not thread-safe;
 * close it.
 *
 * <pre>{@code
 * try (OrtRunner r = OrtRunner.open(graph, Device.CPU)) {
 *   Map<String, NdArray> out = r.run(Map.of("input", x));
 * }
 * }</pre>
 */
public final class OrtRunner implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Device device;
  private final FixedBatch fixedBatch;

  private OrtRunner(OrtEnvironment env, OrtSession session, Device device) throws OrtException {
    this.env = env;
    this.session = session;
    this.device = device;
    this.fixedBatch = FixedBatch.of(session.getInputInfo());
  }

  public static OrtRunner open(Graph g, Device device) {
    return open(OnnxWriter.toBytes(g), device);
  }

  public static OrtRunner open(byte[] model, Device device) {
    OrtEnvironment env = Ort.env();
    try (OrtSession.SessionOptions opts = sessionOptions(device, 0)) {
      return new OrtRunner(env, env.createSession(model, opts), device);
    } catch (OrtException e) {
      // a graph ONNX Runtime finds invalid (or with an operator it lacks) is, short of a bug in
      // a Graft rewrite, the model the user gave: bad input
      boolean invalid = e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_GRAPH
          || e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF
          || e.getCode() == OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED;
      throw new GraftException(invalid ? GraftException.Kind.BAD_INPUT
          : GraftException.Kind.FAILURE, "ONNX Runtime cannot load the model: " + oneLine(e));
    }
  }

  /**
   * Session options every Graft session uses: all graph optimizations, {@code threads} intra-op
   * threads (all cores when ≤ 0) that sleep rather than spin between calls, and the CUDA provider
   * for {@link Device#CUDA} — a clear error where it is missing, never a silent fallback.
   */
  public static OrtSession.SessionOptions sessionOptions(Device device, int threads)
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
            oneLine(e));
      }
    }
    return opts;
  }

  public Device device() {
    return device;
  }

  public List<String> inputNames() {
    return new ArrayList<>(session.getInputNames());
  }

  public List<String> outputNames() {
    return new ArrayList<>(session.getOutputNames());
  }

  /** Runs the graph and returns every output. */
  public Map<String, NdArray> run(Map<String, NdArray> inputs) {
    return run(inputs, session.getOutputNames());
  }

  /**
   * The batch every input of the model declares, or 0 when the batch is symbolic. A model with a
   * fixed batch runs on any multiple of it: {@link #run} cuts the samples into chunks of that
   * batch, runs them on several threads, and joins the results ({@link FixedBatch}).
   */
  public int fixedBatch() {
    return fixedBatch == null ? 0 : fixedBatch.batch();
  }

  /** Runs the graph and returns the named outputs, in the order asked. */
  public Map<String, NdArray> run(Map<String, NdArray> inputs, Set<String> outputs) {
    if (fixedBatch == null) {
      return runOnce(inputs, outputs);
    }
    List<Map<String, NdArray>> chunks = fixedBatch.split(inputs);
    if (chunks.size() == 1) {
      return runOnce(chunks.get(0), outputs);
    }
    return fixedBatch.join(Workers.map(chunks, c -> runOnce(c, outputs)));
  }

  private Map<String, NdArray> runOnce(Map<String, NdArray> inputs, Set<String> outputs) {
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
        feed.put(e.getKey(), Tensors.toOrt(env, e.getValue()));
      }
      try (OrtSession.Result r = session.run(feed, outputs)) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : r) {
          out.put(e.getKey(), Tensors.fromOrt(e.getKey(), (OnnxTensor) e.getValue()));
        }
        return out;
      }
    } catch (OrtException e) {
      throw GraftException.failure("ONNX Runtime failed: %s", oneLine(e));
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * An ONNX Runtime message on one line: its lines joined (ONNX Runtime spreads one sentence over
   * several, e.g. "Got invalid dimensions ... for the following indices\n index: 0 Got: 51").
   */
  public static String oneLine(Throwable e) {
    return String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw GraftException.failure("closing ONNX Runtime session: %s", oneLine(e));
    }
  }
}
