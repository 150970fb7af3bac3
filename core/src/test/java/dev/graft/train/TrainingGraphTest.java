package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.graft.exec.Tensors;
import dev.graft.exec.Session;
import dev.graft.exec.Device;
import dev.graft.graph.Graph;
import dev.graft.graph.TensorData;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingGraphTest {
  private static final List<String> PARAMS = List.of("w1", "b1", "w2", "b2");
  private static final int BATCH = 5;

  private static Map<String, float[]> initial(Graph g) {
    Map<String, float[]> p = new LinkedHashMap<>();
    Random r = new Random(11);
    for (String name : PARAMS) {
      float[] f = g.initializer(name).orElseThrow().floats().clone();
      for (int i = 0; i < f.length; i++) {
        f[i] += (float) (0.1 * r.nextGaussian()); // biases off zero too
      }
      p.put(name, f);
    }
    return p;
  }

  /** Loss and gradients of one step graph at the given parameters and batch. */
  private static Map<String, float[]> step(Session s, Graph student,
      Map<String, float[]> params, float[] x, float[] y) throws Exception {
    Map<String, OnnxTensor> feed = new HashMap<>();
    for (String p : PARAMS) {
      feed.put(p, Tensors.of(params.get(p),
          student.initializer(p).orElseThrow().dims()));
    }
    feed.put("x", Tensors.of(x, new long[] {x.length / 6, 6}));
    feed.put(TrainingGraph.TARGET, Tensors.of(y, new long[] {y.length / 2, 2}));
    Map<String, float[]> out = new HashMap<>();
    try (OrtSession.Result r = s.run(feed)) {
      out.put("loss", Tensors.floats(r.get("loss").orElseThrow()));
      for (String p : PARAMS) {
        out.put(p, Tensors.floats(r.get(Autodiff.gradName(p)).orElseThrow()));
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
    return out;
  }

  @Test
  void step_gradients_match_finite_differences_of_the_mean_squared_error() throws Exception {
    Graph student = TrainerTest.mlp(1);
    Random r = new Random(5);
    float[] x = TrainerTest.rand(r, BATCH * 6, 1.0);
    float[] y = TrainerTest.rand(r, BATCH * 2, 1.0);
    Map<String, float[]> at = initial(student);
    Graph g = TrainingGraph.stepGraph(student, PARAMS, BATCH);
    try (Session s = Session.open(g, Device.CPU, 1)) {
      Map<String, float[]> grads = step(s, student, at, x, y);
      double h = 1e-3;
      for (String p : PARAMS) {
        float[] v = TrainerTest.rand(r, at.get(p).length, 1.0);
        double analytic = 0;
        for (int i = 0; i < v.length; i++) {
          analytic += grads.get(p)[i] * v[i];
        }
        double[] losses = new double[2];
        for (int side = 0; side < 2; side++) {
          Map<String, float[]> moved = new HashMap<>(at);
          float[] w = at.get(p).clone();
          for (int i = 0; i < w.length; i++) {
            w[i] += (float) ((side == 0 ? h : -h) * v[i]);
          }
          moved.put(p, w);
          losses[side] = step(s, student, moved, x, y).get("loss")[0];
        }
        double numeric = (losses[0] - losses[1]) / (2 * h);
        double err = Math.abs(numeric - analytic) / Math.max(1.0, Math.abs(numeric));
        assertTrue(err < 2e-2, p + ": analytic " + analytic + ", numeric " + numeric);
      }
    }
  }

  @Test
  void two_unrolled_steps_match_adamw_computed_directly() throws Exception {
    Graph student = TrainerTest.mlp(2);
    Random r = new Random(9);
    float[] x = TrainerTest.rand(r, 2 * BATCH * 6, 1.0);
    float[] y = TrainerTest.rand(r, 2 * BATCH * 2, 1.0);
    Map<String, float[]> params = initial(student);
    AdamW opt = new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.1, 1, 100, 0.05);
    // Reference: gradients from the step graph, AdamW applied here in double precision.
    Map<String, double[]> w = new HashMap<>();
    Map<String, double[]> m = new HashMap<>();
    Map<String, double[]> v = new HashMap<>();
    for (String p : PARAMS) {
      float[] f = params.get(p);
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      w.put(p, d);
      m.put(p, new double[f.length]);
      v.put(p, new double[f.length]);
    }
    Graph sg = TrainingGraph.stepGraph(student, PARAMS, BATCH);
    try (Session s = Session.open(sg, Device.CPU, 1)) {
      for (int t = 1; t <= 2; t++) {
        Map<String, float[]> cur = new HashMap<>();
        w.forEach((k, d) -> cur.put(k, toFloats(d)));
        float[] xs = java.util.Arrays.copyOfRange(x, (t - 1) * BATCH * 6, t * BATCH * 6);
        float[] ys = java.util.Arrays.copyOfRange(y, (t - 1) * BATCH * 2, t * BATCH * 2);
        Map<String, float[]> g = step(s, student, cur, xs, ys);
        double lr = opt.lrAt(t);
        for (String p : PARAMS) {
          double[] wp = w.get(p);
          for (int i = 0; i < wp.length; i++) {
            double gi = g.get(p)[i];
            m.get(p)[i] = 0.9 * m.get(p)[i] + 0.1 * gi;
            v.get(p)[i] = 0.999 * v.get(p)[i] + 0.001 * gi * gi;
            double mh = m.get(p)[i] / (1 - Math.pow(0.9, t));
            double vh = v.get(p)[i] / (1 - Math.pow(0.999, t));
            double decay = student.initializer(p).orElseThrow().rank() >= 2 ? 1 - lr * 0.1 : 1;
            wp[i] = wp[i] * decay - lr * mh / (Math.sqrt(vh) + 1e-8);
          }
        }
      }
    }
    Graph tg = TrainingGraph.build(student, PARAMS, BATCH, 2, opt);
    Map<String, OnnxTensor> feed = new HashMap<>();
    int total = 0;
    for (String p : PARAMS) {
      TensorData init = student.initializer(p).orElseThrow();
      feed.put(p, Tensors.of(params.get(p), init.dims()));
      total += params.get(p).length;
    }
    feed.put(TrainingGraph.MOMENT1, Tensors.of(new float[total], new long[] {total}));
    feed.put(TrainingGraph.MOMENT2, Tensors.of(new float[total], new long[] {total}));
    feed.put("x", Tensors.of(x, new long[] {2 * BATCH, 6}));
    feed.put(TrainingGraph.TARGET, Tensors.of(y, new long[] {2 * BATCH, 2}));
    float[] hyper = new float[6];
    System.arraycopy(opt.stepScalars(1), 0, hyper, 0, 3);
    System.arraycopy(opt.stepScalars(2), 0, hyper, 3, 3);
    feed.put(TrainingGraph.HYPER, Tensors.of(hyper, new long[] {6}));
    try (Session s = Session.open(tg, Device.CPU, 1); OrtSession.Result res = s.run(feed)) {
      for (String p : PARAMS) {
        float[] got = Tensors.floats(res.get(TrainingGraph.NEW + p).orElseThrow());
        double[] want = w.get(p);
        for (int i = 0; i < got.length; i++) {
          assertEquals(want[i], got[i], 1e-5, p + "[" + i + "]");
        }
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
