package dev.graft.thin;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Attribute;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.onnx.OnnxWriter;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Map;

/**
 * Accumulates XᵀX, XᵀY and Σy² (per column) over rows added one at a time: rows gather in a
 * block of {@value #BLOCK} and each full block is multiplied in ONNX Runtime (float64 Gemm, one
 * thread: callers run several accumulators side by side), its products summed in double. Not
 * thread-safe; close it to free the session.
 */
final class MomentProducts implements AutoCloseable {
  static final int BLOCK = 2048;

  private final int f;
  private final int o;
  private final double[] x;
  private final double[] y;
  private final double[] gram;
  private final double[] cross;
  private final double[] yy;
  private int n;
  private OrtSession session;

  MomentProducts(int features, int outputs) {
    this.f = features;
    this.o = outputs;
    this.x = new double[BLOCK * f];
    this.y = new double[BLOCK * o];
    this.gram = new double[f * f];
    this.cross = new double[f * o];
    this.yy = new double[o];
  }

  int features() {
    return f;
  }

  /** The block of X rows; the next row starts at {@link #rowOffset} × features. */
  double[] nextX() {
    return x;
  }

  int rowOffset() {
    return n;
  }

  double[] currentY() {
    return y;
  }

  /** Takes the row written at {@link #rowOffset}; multiplies the block when it is full. */
  void commitRow() {
    for (int j = 0; j < o; j++) {
      double v = y[n * o + j];
      yy[j] += v * v;
    }
    if (++n == BLOCK) {
      flush();
    }
  }

  /** Multiplies the rows still pending. */
  void flush() {
    if (n == 0) {
      return;
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try {
      if (session == null) {
        try (OrtSession.SessionOptions opts = OrtRunner.sessionOptions(Device.CPU, 1)) {
          session = env.createSession(OnnxWriter.toBytes(graph()), opts);
        }
      }
      try (OnnxTensor xt = OnnxTensor.createTensor(env, DoubleBuffer.wrap(x, 0, n * f),
              new long[] {n, f});
          OnnxTensor yt = OnnxTensor.createTensor(env, DoubleBuffer.wrap(y, 0, n * o),
              new long[] {n, o});
          OrtSession.Result r = session.run(Map.of("x", xt, "y", yt))) {
        addInto(gram, (OnnxTensor) r.get(0));
        addInto(cross, (OnnxTensor) r.get(1));
      }
    } catch (OrtException e) {
      throw GraftException.failure("ONNX Runtime failed on channel statistics: %s",
          e.getMessage());
    }
    n = 0;
  }

  private static void addInto(double[] acc, OnnxTensor t) {
    DoubleBuffer b = t.getDoubleBuffer();
    for (int i = 0; i < acc.length; i++) {
      acc[i] += b.get(i);
    }
  }

  private Graph graph() {
    Shape xs = Shape.of(List.of(Dim.symbol("rows"), Dim.of(f)));
    Shape ys = Shape.of(List.of(Dim.symbol("rows"), Dim.of(o)));
    return Graph.builder().name("moments").opset(17)
        .input(new ValueInfo("x", DType.DOUBLE, xs)).input(new ValueInfo("y", DType.DOUBLE, ys))
        .node(Node.of("xx", Op.GEMM, List.of("x", "x"), List.of("g"), Attribute.of("transA", 1L)))
        .node(Node.of("xy", Op.GEMM, List.of("x", "y"), List.of("c"), Attribute.of("transA", 1L)))
        .output(new ValueInfo("g", DType.DOUBLE, Shape.of(new long[] {f, f})))
        .output(new ValueInfo("c", DType.DOUBLE, Shape.of(new long[] {f, o}))).build();
  }

  /** XᵀX as rows. */
  double[][] gram() {
    double[][] g = new double[f][];
    for (int i = 0; i < f; i++) {
      g[i] = java.util.Arrays.copyOfRange(gram, i * f, (i + 1) * f);
    }
    return g;
  }

  /** XᵀY as rows (one per feature). */
  double[][] xy() {
    double[][] c = new double[f][];
    for (int i = 0; i < f; i++) {
      c[i] = java.util.Arrays.copyOfRange(cross, i * o, (i + 1) * o);
    }
    return c;
  }

  /** Σy² per output column. */
  double[] yy() {
    return yy;
  }

  @Override
  public void close() {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        throw GraftException.failure("cannot close a session: %s", e.getMessage());
      }
      session = null;
    }
  }
}
