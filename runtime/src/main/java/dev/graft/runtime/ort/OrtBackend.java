package dev.graft.runtime.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.runtime.Backend;
import dev.graft.runtime.BenchmarkException.Code;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.TensorSpec;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model in ONNX Runtime. Inputs are copied into native tensors once by {@link #setInputs};
 * {@link #invoke()} is one {@code OrtSession.run}. An execution provider missing from the loaded
 * ONNX Runtime build (NNAPI and XNNPACK on desktop builds) is a BACKEND_UNAVAILABLE error that
 * lists the providers present. Not thread-safe; close it.
 */
public final class OrtBackend implements Backend {
  private OrtEnvironment env;
  private OrtSession session;
  private OrtSession.SessionOptions sessionOptions;
  private OrtPlan plan;
  private List<TensorSpec> inputs = Collections.emptyList();
  private List<TensorSpec> outputs = Collections.emptyList();
  private final Map<String, OnnxTensor> feed = new LinkedHashMap<>();
  private OrtSession.Result last;

  /** An unloaded backend; see {@link dev.graft.runtime.Backends#create(String)}. */
  public OrtBackend() {}

  @Override
  public String name() {
    return "ort";
  }

  @Override
  public void load(File model, BenchmarkOptions options) throws BenchmarkException {
    if (session != null) {
      throw new IllegalStateException("This backend already holds a model; make a new one");
    }
    if (!model.isFile()) {
      throw new BenchmarkException(Code.MODEL_NOT_FOUND, "Model file not found: " + model);
    }
    plan = OrtPlan.from(options);
    env = OrtEnvironment.getEnvironment();
    OrtLeftovers.remove();
    // the options stay open while the session lives (ONNX Runtime's rule); closed with it
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    boolean kept = false;
    try {
      if (plan.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(plan.intraOpThreads());
      }
      for (Map.Entry<String, String> e : plan.sessionConfig().entrySet()) {
        so.addConfigEntry(e.getKey(), e.getValue());
      }
      switch (plan.provider()) {
        case XNNPACK:
          requireProvider(OrtProvider.XNNPACK);
          so.addXnnpack(plan.providerOptions());
          break;
        case NNAPI:
          requireProvider(OrtProvider.NNAPI);
          so.addNnapi();
          break;
        default:
          break;
      }
      session = env.createSession(model.getPath(), so);
      sessionOptions = so;
      kept = true;
    } catch (OrtException e) {
      throw new BenchmarkException(
          Code.UNSUPPORTED_MODEL,
          "ONNX Runtime cannot load " + model.getPath() + ": " + firstLine(e.getMessage()), e);
    } finally {
      if (!kept) {
        so.close();
      }
    }
    try {
      inputs = specs(session.getInputInfo(), "input");
      outputs = specs(session.getOutputInfo(), "output");
    } catch (OrtException e) {
      throw new BenchmarkException(Code.UNSUPPORTED_MODEL, firstLine(e.getMessage()), e);
    }
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputs;
  }

  @Override
  public void setInputs(List<NdArray> values) throws BenchmarkException {
    requireLoaded();
    if (values.size() != inputs.size()) {
      throw new BenchmarkException(
          Code.BAD_INPUT, "Model takes " + inputs.size() + " inputs, got " + values.size());
    }
    closeFeed();
    try {
      for (int i = 0; i < values.size(); i++) {
        NdArray v = values.get(i);
        ByteBuffer direct = ByteBuffer.allocateDirect((int) (v.size() * v.type().byteSize()))
            .order(ByteOrder.nativeOrder());
        direct.put(v.data());
        ((java.nio.Buffer) direct).rewind();
        feed.put(inputs.get(i).name(),
            OnnxTensor.createTensor(env, direct, v.shape(), javaType(v.type())));
      }
    } catch (OrtException e) {
      closeFeed();
      throw new BenchmarkException(Code.BAD_INPUT, firstLine(e.getMessage()), e);
    }
  }

  @Override
  public void invoke() throws BenchmarkException {
    requireLoaded();
    if (last != null) {
      last.close();
      last = null;
    }
    try {
      last = session.run(feed);
    } catch (OrtException e) {
      throw new BenchmarkException(
          Code.RUN_FAILED, "ONNX Runtime inference failed: " + firstLine(e.getMessage()), e);
    }
  }

  @Override
  public List<NdArray> readOutputs() throws BenchmarkException {
    if (last == null) {
      throw new IllegalStateException("No outputs: call invoke() first");
    }
    List<NdArray> out = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      OnnxValue v = last.get(i);
      if (!(v instanceof OnnxTensor)) {
        throw new BenchmarkException(Code.UNSUPPORTED_MODEL,
            "Output '" + outputs.get(i).name() + "' is not a tensor");
      }
      OnnxTensor t = (OnnxTensor) v;
      ByteBuffer bytes = t.getByteBuffer();
      out.add(NdArray.fromBytes(outputs.get(i).dtype(), t.getInfo().getShape(), bytes));
    }
    return out;
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    if (env != null) {
      d.put("version", env.getVersion());
    }
    if (plan != null) {
      d.put("execution_provider", plan.provider().name());
      d.put("intra_op_threads", Integer.toString(plan.intraOpThreads()));
    }
    return d;
  }

  @Override
  public void close() {
    if (last != null) {
      last.close();
      last = null;
    }
    closeFeed();
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // closing frees native memory; nothing more to do if ONNX Runtime complains
      }
      session = null;
    }
    if (sessionOptions != null) {
      sessionOptions.close();
      sessionOptions = null;
    }
  }

  private void closeFeed() {
    for (OnnxTensor t : feed.values()) {
      t.close();
    }
    feed.clear();
  }

  private void requireLoaded() {
    if (session == null) {
      throw new IllegalStateException("No model loaded: call load() first");
    }
  }

  private static void requireProvider(OrtProvider p) throws BenchmarkException {
    EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    if (!available.contains(p)) {
      throw new BenchmarkException(
          Code.BACKEND_UNAVAILABLE,
          "ONNX Runtime execution provider " + p.name() + " is not in this build (available: "
              + available + "); on Android use com.microsoft.onnxruntime:onnxruntime-android");
    }
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos, String kind)
      throws BenchmarkException {
    List<TensorSpec> out = new ArrayList<>();
    int i = 0;
    for (NodeInfo n : infos.values()) {
      if (!(n.getInfo() instanceof TensorInfo)) {
        throw new BenchmarkException(Code.UNSUPPORTED_MODEL,
            "Model " + kind + " '" + n.getName() + "' is not a tensor (" + n.getInfo() + ")");
      }
      TensorInfo t = (TensorInfo) n.getInfo();
      out.add(new TensorSpec(i++, n.getName(), dtype(t.type, kind, n.getName()), t.getShape()));
    }
    return Collections.unmodifiableList(out);
  }

  static DType dtype(OnnxJavaType t, String kind, String name) throws BenchmarkException {
    switch (t) {
      case FLOAT:
        return DType.FLOAT;
      case INT8:
        return DType.INT8;
      case UINT8:
        return DType.UINT8;
      case INT32:
        return DType.INT32;
      case INT64:
        return DType.INT64;
      default:
        throw new BenchmarkException(Code.UNSUPPORTED_MODEL,
            "Model " + kind + " '" + name + "' has element type " + t
                + ", expected one of [float32, int8, uint8, int32, int64]");
    }
  }

  private static OnnxJavaType javaType(DType t) {
    switch (t) {
      case FLOAT:
        return OnnxJavaType.FLOAT;
      case INT8:
        return OnnxJavaType.INT8;
      case UINT8:
        return OnnxJavaType.UINT8;
      case INT32:
        return OnnxJavaType.INT32;
      default:
        return OnnxJavaType.INT64;
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
