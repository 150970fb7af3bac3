package dev.graft.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Checks Graft's gradients against central finite differences run in ONNX Runtime: the loss is
 * {@code sum(f(inputs) * R)} for a fixed random R; for three random directions v per input the
 * analytic {@code <grad, v>} must match {@code (L(p + h v) - L(p - h v)) / 2h}.
 */
final class GradCheck {
  private GradCheck() {}

  /** Returns the worst relative error over all inputs and directions. */
  static double worstError(DType type, Map<String, long[]> inputs,
      Function<GraphEmitter, String> forward, boolean positive) throws OrtException {
    Graph.Builder b = Graph.builder();
    inputs.forEach((k, v) -> b.input(new ValueInfo(k, type, Shape.of(v))));
    GraphEmitter e = new GraphEmitter(b, "f/", type);
    String out = forward.apply(e);
    Graph partial = ShapeInference.infer(b.output(new ValueInfo(out, type, null)).build());
    long[] so = partial.info(out).orElseThrow().shape().sizes();
    Random rnd = new Random(7);
    String r = e.floats(so, randoms(rnd, (int) NdShapes.count(so), false));
    String loss = e.op(Op.REDUCE_SUM, List.of(e.op(Op.MUL, List.of(out, r))),
        Attribute.of("keepdims", 0L));
    Graph fwd = b.outputs(List.of(new ValueInfo(loss, type, Shape.scalar()))).build();
    Graph grads = Autodiff.gradients(fwd, loss, new ArrayList<>(inputs.keySet()));
    Map<String, double[]> point = new LinkedHashMap<>();
    inputs.forEach((k, v) -> point.put(k, randoms(rnd, (int) NdShapes.count(v), positive)));
    double h = type == DType.DOUBLE ? 1e-6 : 1e-2;
    double worst = 0;
    try (OrtSession gs = OrtSessions.open(grads, dev.graft.exec.Device.CPU, 1);
        OrtSession fs = OrtSessions.open(fwd, dev.graft.exec.Device.CPU, 1)) {
      Map<String, double[]> g = new HashMap<>();
      try (OrtSession.Result res = gs.run(feed(type, inputs, point))) {
        for (String k : inputs.keySet()) {
          g.put(k, values(res.get(Autodiff.gradName(k)).orElseThrow()));
        }
      }
      for (String k : inputs.keySet()) {
        for (int dir = 0; dir < 3; dir++) {
          double[] v = randoms(rnd, g.get(k).length, false);
          double analytic = 0;
          for (int i = 0; i < v.length; i++) {
            analytic += g.get(k)[i] * v[i];
          }
          double plus = lossAt(fs, type, inputs, point, k, v, h);
          double minus = lossAt(fs, type, inputs, point, k, v, -h);
          double numeric = (plus - minus) / (2 * h);
          double err = Math.abs(numeric - analytic) / Math.max(1.0, Math.abs(numeric));
          worst = Math.max(worst, err);
        }
      }
    }
    return worst;
  }

  private static double lossAt(OrtSession s, DType type, Map<String, long[]> inputs,
      Map<String, double[]> point, String k, double[] v, double h) throws OrtException {
    Map<String, double[]> p = new HashMap<>(point);
    double[] moved = point.get(k).clone();
    for (int i = 0; i < moved.length; i++) {
      moved[i] += h * v[i];
    }
    p.put(k, moved);
    try (OrtSession.Result res = s.run(feed(type, inputs, p))) {
      return values(res.get(0))[0];
    }
  }

  private static Map<String, OnnxTensor> feed(DType type, Map<String, long[]> inputs,
      Map<String, double[]> p) throws OrtException {
    Map<String, OnnxTensor> m = new HashMap<>();
    for (Map.Entry<String, long[]> en : inputs.entrySet()) {
      double[] d = p.get(en.getKey());
      if (type == DType.DOUBLE) {
        m.put(en.getKey(), OnnxTensor.createTensor(OrtSessions.env(), DoubleBuffer.wrap(d),
            en.getValue()));
      } else {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
          f[i] = (float) d[i];
        }
        m.put(en.getKey(), OnnxTensor.createTensor(OrtSessions.env(), FloatBuffer.wrap(f),
            en.getValue()));
      }
    }
    return m;
  }

  private static double[] values(ai.onnxruntime.OnnxValue v) {
    OnnxTensor t = (OnnxTensor) v;
    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
      DoubleBuffer b = t.getDoubleBuffer();
      double[] out = new double[b.remaining()];
      b.get(out);
      return out;
    }
    float[] f = OrtSessions.floats(t);
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  static double[] randoms(Random rnd, int n, boolean positive) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = positive ? 0.5 + rnd.nextDouble() : rnd.nextGaussian();
    }
    return d;
  }
}
