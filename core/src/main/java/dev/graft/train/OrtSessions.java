package dev.graft.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxWriter;
import java.nio.FloatBuffer;

/**
 * Opens ONNX Runtime sessions on in-memory graphs and moves float arrays in and out. CUDA that is
 * not available is an error, never a silent fallback.
 */
public final class OrtSessions {
  private OrtSessions() {}

  public static OrtEnvironment env() {
    return dev.graft.exec.Ort.env();
  }

  /** A session on the graph; {@code threads} ≤ 0 lets ONNX Runtime choose. Close it after use. */
  public static OrtSession open(Graph g, Device device, int threads) {
    try (OrtSession.SessionOptions opts = OrtRunner.sessionOptions(device, threads)) {
      return env().createSession(OnnxWriter.toBytes(g), opts);
    } catch (OrtException e) {
      throw GraftException.failure("ONNX Runtime cannot load graph %s: %s", g.name(),
          OrtRunner.oneLine(e));
    }
  }

  /** A float tensor holding the array's values (copied into native memory). */
  public static OnnxTensor tensor(NdArray a) {
    try {
      return OnnxTensor.createTensor(env(), FloatBuffer.wrap(a.asFloats()), a.shape());
    } catch (OrtException e) {
      throw GraftException.failure("cannot make a tensor of %s: %s", a, e.getMessage());
    }
  }

  public static OnnxTensor tensor(float[] values, long[] shape) {
    try {
      return OnnxTensor.createTensor(env(), FloatBuffer.wrap(values), shape);
    } catch (OrtException e) {
      throw GraftException.failure("cannot make a tensor: %s", e.getMessage());
    }
  }

  /** The values of a float tensor. */
  public static float[] floats(OnnxValue v) {
    OnnxTensor t = (OnnxTensor) v;
    FloatBuffer b = t.getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  public static NdArray array(OnnxValue v) {
    OnnxTensor t = (OnnxTensor) v;
    return NdArray.of(floats(v), t.getInfo().getShape());
  }
}
