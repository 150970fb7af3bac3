package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.graft.exec.Device;
import dev.graft.io.DType;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The role loss and its gradient, run in ONNX Runtime on small arrays, against the same figures
 * computed here in double precision: a detector's softmax scores (KL) with boxes masked to the
 * teacher's positive anchors (L1), and sigmoid scores (binary KL) beside a plain tensor (MSE).
 */
class RoleLossTest {
  static final int BATCH = 2;

  /** y = x + w with w [BATCH, k] the parameter: d loss / d w is d loss / d y. */
  static Graph student(int k) {
    return Graph.builder().name("id").opset(13)
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(BATCH, k)))
        .initializer(TensorData.ofFloats("w", new long[] {BATCH, k}, new float[BATCH * k]))
        .node(Node.of("add", Op.ADD, List.of("x", "w"), List.of("y")))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(BATCH, k))).build();
  }

  /** Loss, gradient, and the held-out score's sse and ssy, from ONNX Runtime. */
  static double[][] run(TrainLoss loss, float[] y, float[] t) throws Exception {
    int k = y.length / BATCH;
    Graph s = student(k);
    Graph step = TrainingGraph.stepGraph(s, List.of("w"), BATCH, loss);
    Graph eval = Trainer.evalGraph(s, List.of(), loss);
    Map<String, OnnxTensor> feed = new HashMap<>();
    feed.put("x", OrtSessions.tensor(y, new long[] {BATCH, k}));
    feed.put("w", OrtSessions.tensor(new float[BATCH * k], new long[] {BATCH, k}));
    feed.put(TrainingGraph.TARGET, OrtSessions.tensor(t, new long[] {BATCH, k}));
    try (OrtSession a = OrtSessions.open(step, Device.CPU, 1);
        OrtSession b = OrtSessions.open(eval, Device.CPU, 1);
        OrtSession.Result r = a.run(feed);
        OrtSession.Result q = b.run(Map.of("x", feed.get("x"), TrainingGraph.TARGET,
            feed.get(TrainingGraph.TARGET)))) {
      float[] g = OrtSessions.floats(r.get(Autodiff.gradName("w")).orElseThrow());
      double[] grad = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        grad[i] = g[i];
      }
      return new double[][] {{OrtSessions.floats(r.get("loss").orElseThrow())[0]}, grad,
          {OrtSessions.floats(q.get(0))[0], OrtSessions.floats(q.get(1))[0]}};
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void klOnScoresPlusL1OnBoxesOfTheTeachersPositiveAnchors() throws Exception {
    // per sample: 3 anchors × [background, face] logits, then 3 anchors × 4 box values
    float[] t = {0, 2, 1, 0, 0, 0.3f, /* boxes */ 1, 2, 3, 4, 9, 9, 9, 9, 0, 0, 0, 0,
        3, 0, 0, 1.5f, -1, 2, /* boxes */ 5, 5, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2};
    float[] y = t.clone();
    Random r = new Random(3);
    for (int i = 0; i < y.length; i++) {
      y[i] += (float) r.nextGaussian();
    }
    TrainLoss loss = TrainLoss.roles(List.of(RoleLoss.Term.of(RoleLoss.Kind.KL, 6, 2),
        RoleLoss.Term.masked(12, 4, 0, 0.6, 0)));
    double[][] got = run(loss, y, t);
    // teacher faces (softmax of the face class above 0.6): sample 0 anchor 0 (0.88), sample 1
    // anchors 1 (0.82) and 2 (0.95); anchor 0.3 gives 0.574, left out
    double kl = 0;
    double[] grad = new double[y.length];
    for (int b = 0; b < BATCH; b++) {
      for (int a = 0; a < 3; a++) {
        int o = b * 18 + a * 2;
        double[] p = softmax(t[o], t[o + 1]);
        double[] q = softmax(y[o], y[o + 1]);
        for (int c = 0; c < 2; c++) {
          kl += p[c] * Math.log(p[c] / q[c]) / 6;
          grad[o + c] = (q[c] - p[c]) / 6;
        }
      }
    }
    int[][] faces = {{0, 0}, {1, 1}, {1, 2}};
    double l1 = 0;
    for (int[] f : faces) {
      for (int j = 0; j < 4; j++) {
        int i = f[0] * 18 + 6 + f[1] * 4 + j;
        l1 += Math.abs(y[i] - t[i]) / 12;
        grad[i] = Math.signum(y[i] - t[i]) / 12;
      }
    }
    assertEquals(kl + l1, got[0][0], 1e-5);
    for (int i = 0; i < grad.length; i++) {
      assertEquals(grad[i], got[1][i], 1e-6, "gradient " + i);
    }
    assertEquals(BATCH, got[2][1], 0);
    assertEquals(kl + l1, got[2][0] / got[2][1], 1e-5);
  }

  @Test
  void binaryKlOnSigmoidScoresBesideMseOnAPlainTensorAndNoPositiveAnchorsGiveNoBoxLoss()
      throws Exception {
    // per sample: 2 anchors × 1 sigmoid logit, 2 anchors × 2 box values, 3 plain values
    float[] t = {-3, -2, 1, 2, 3, 4, 0.5f, 1, 2, -4, -1, 5, 6, 7, 8, 3, 2, 1};
    float[] y = {-1, 0.5f, 2, 2, 0, 4, 1, 1, 1, -2, -3, 4, 6, 9, 9, 3, 2.5f, 0};
    TrainLoss loss = TrainLoss.roles(List.of(RoleLoss.Term.of(RoleLoss.Kind.BINARY_KL, 2, 1),
        RoleLoss.Term.masked(4, 2, 0, 0.5, -1), RoleLoss.Term.of(RoleLoss.Kind.MSE, 3, 3)));
    double[][] got = run(loss, y, t);
    double bkl = 0;
    double mse = 0;
    double[] grad = new double[y.length];
    for (int b = 0; b < BATCH; b++) {
      for (int a = 0; a < 2; a++) {
        int i = b * 9 + a;
        double p = 1 / (1 + Math.exp(-t[i]));
        double q = 1 / (1 + Math.exp(-y[i]));
        bkl += (p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q))) / 4;
        grad[i] = (q - p) / 4;
      }
      for (int j = 0; j < 3; j++) {
        int i = b * 9 + 6 + j;
        mse += (y[i] - t[i]) * (y[i] - t[i]) / 6.0;
        grad[i] = 2 * (y[i] - t[i]) / 6.0;
      }
    }
    // every teacher logit is negative: no positive anchor, no box term and no box gradient
    assertEquals(bkl + mse, got[0][0], 1e-5);
    for (int i = 0; i < grad.length; i++) {
      assertEquals(grad[i], got[1][i], 1e-6, "gradient " + i);
    }
    assertEquals(bkl + mse, got[2][0] / got[2][1], 1e-5);
  }

  static double[] softmax(double a, double b) {
    double m = Math.max(a, b);
    double ea = Math.exp(a - m);
    double eb = Math.exp(b - m);
    return new double[] {ea / (ea + eb), eb / (ea + eb)};
  }
}
