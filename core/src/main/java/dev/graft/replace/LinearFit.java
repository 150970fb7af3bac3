package dev.graft.replace;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.linalg.Spd;
import dev.graft.region.Region;
import dev.graft.train.Trainer;
import dev.graft.train.TrainingData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code linear} student and its closed-form fit: ridge least squares with a bias, from XᵀX
 * and XᵀY accumulated in float64 over the training rows and solved by Cholesky. Samples are tokens
 * for [B,T,D], pixels for [B,C,H,W] with equal spatial sizes (the student is then a 1×1 conv),
 * and whole rows otherwise. The ridge penalty is {@code ridge × mean(diag XᵀX)}, bias excluded.
 */
public final class LinearFit {
  private static final int BATCH = 256;

  private LinearFit() {}

  /** Layout of samples inside a row: feature count F, positions S, strides of both. */
  private record Layout(Mode mode, int features, int outputs, int positions, int fStride,
      int sStride, int oStride, int osStride) {}

  private enum Mode { PIXEL, TOKEN, FLAT }

  private static Layout layout(Shape xs, Shape ys) {
    if (xs.rank() == 4 && ys.rank() == 4 && xs.dim(2).equals(ys.dim(2))
        && xs.dim(3).equals(ys.dim(3))) {
      int s = (int) (xs.dim(2).value() * xs.dim(3).value());
      return new Layout(Mode.PIXEL, (int) xs.dim(1).value(), (int) ys.dim(1).value(), s, s, 1, s,
          1);
    }
    if (xs.rank() == 3 && ys.rank() == 3 && xs.dim(1).equals(ys.dim(1))) {
      int f = (int) xs.dim(2).value();
      int o = (int) ys.dim(2).value();
      return new Layout(Mode.TOKEN, f, o, (int) xs.dim(1).value(), 1, f, 1, o);
    }
    return new Layout(Mode.FLAT, (int) xs.rowSize(), (int) ys.rowSize(), 1, 1, 0, 1, 0);
  }

  static Student student(StudentSpec spec, Region region, Shape xs, Shape ys, Graph.Builder b,
      Layers l) {
    Layout lay = layout(xs, ys);
    if ((long) lay.features() * lay.features() > 50_000_000L) {
      throw Students.refuse(spec, region, lay.features() + " input features are too many for a "
          + "closed-form fit; use mlp");
    }
    int f = lay.features();
    int o = lay.outputs();
    var e = l.e;
    String y;
    if (lay.mode() == Mode.PIXEL) {
      String w = l.param("w", new long[] {o, f, 1, 1}, new float[o * f]);
      String bias = l.param("b", new long[] {o}, new float[o]);
      y = e.op(Op.CONV, List.of(region.entry(), w, bias));
    } else if (lay.mode() == Mode.TOKEN) {
      String w = l.param("w", new long[] {f, o}, new float[f * o]);
      String bias = l.param("b", new long[] {o}, new float[o]);
      y = e.op(Op.ADD, List.of(e.op(Op.MAT_MUL, List.of(region.entry(), w)), bias));
    } else {
      String w = l.param("w", new long[] {f, o}, new float[f * o]);
      String bias = l.param("b", new long[] {o}, new float[o]);
      String flat = e.op(Op.FLATTEN, List.of(region.entry()), Attribute.of("axis", 1L));
      long[] dims = new long[ys.rank()];
      for (int i = 1; i < ys.rank(); i++) {
        dims[i] = ys.dim(i).value();
      }
      y = e.op(Op.RESHAPE, List.of(e.op(Op.GEMM, List.of(flat, w, bias)), e.longs(dims)));
    }
    e.opTo(region.exit(), Op.IDENTITY, List.of(y));
    b.output(new ValueInfo(region.exit(), DType.FLOAT, ys));
    return new Student(spec.kind(), b.build(), l.params, l.prefix);
  }

  /** The student's fitted weight and bias, keyed by parameter name. */
  public static Map<String, TensorData> fit(Student s, TrainingData data, double ridge) {
    Graph g = s.graph();
    Shape xs = g.inputs().get(0).shape();
    Shape ys = g.outputs().get(0).shape();
    Layout lay = layout(xs, ys);
    int f = lay.features();
    int o = lay.outputs();
    int n1 = f + 1;
    double[] a = new double[n1 * n1];
    double[] xty = new double[n1 * o];
    double[] z = new double[n1];
    double[] t = new double[o];
    int rows = data.rows(TrainingData.Split.TRAIN);
    if (rows == 0) {
      throw GraftException.badInput("the training data is empty: no training rows");
    }
    String xName = data.inputNames().get(0);
    for (int at = 0; at < rows; at += BATCH) {
      int m = Math.min(BATCH, rows - at);
      int[] idx = new int[m];
      for (int i = 0; i < m; i++) {
        idx[i] = at + i;
      }
      Map<String, NdArray> batch = data.batch(TrainingData.Split.TRAIN, idx);
      NdArray x = batch.get(xName);
      NdArray y = batch.get(data.targetName());
      Trainer.checkFinite(xName, x);
      Trainer.checkFinite(data.targetName(), y);
      float[] xv = x.floats();
      float[] yv = y.floats();
      int xr = x.rowSize();
      int yr = y.rowSize();
      for (int r = 0; r < m; r++) {
        for (int p = 0; p < lay.positions(); p++) {
          for (int i = 0; i < f; i++) {
            z[i] = xv[r * xr + i * lay.fStride() + p * lay.sStride()];
          }
          z[f] = 1;
          for (int j = 0; j < o; j++) {
            t[j] = yv[r * yr + j * lay.oStride() + p * lay.osStride()];
          }
          for (int i = 0; i < n1; i++) {
            double zi = z[i];
            int row = i * n1;
            for (int j = i; j < n1; j++) {
              a[row + j] += zi * z[j];
            }
            int ro = i * o;
            for (int j = 0; j < o; j++) {
              xty[ro + j] += zi * t[j];
            }
          }
        }
      }
    }
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < i; j++) {
        a[i * n1 + j] = a[j * n1 + i];
      }
    }
    double[] sol = Spd.solve(a, xty, n1, o, ridge, f);
    float[] w = new float[f * o];
    float[] bias = new float[o];
    boolean conv = g.initializer(s.params().get(0)).orElseThrow().rank() == 4;
    for (int i = 0; i < f; i++) {
      for (int j = 0; j < o; j++) {
        w[conv ? j * f + i : i * o + j] = (float) sol[i * o + j];
      }
    }
    for (int j = 0; j < o; j++) {
      bias[j] = (float) sol[f * o + j];
    }
    Map<String, TensorData> out = new LinkedHashMap<>();
    String wn = s.params().get(0);
    String bn = s.params().get(1);
    out.put(wn, TensorData.ofFloats(wn, g.initializer(wn).orElseThrow().dims(), w));
    out.put(bn, TensorData.ofFloats(bn, g.initializer(bn).orElseThrow().dims(), bias));
    return out;
  }
}
