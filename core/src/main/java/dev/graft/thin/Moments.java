package dev.graft.thin;

import dev.graft.GraftException;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.ValueInfo;
import dev.graft.io.NdArray;
import dev.graft.simplify.LinearLayer;
import dev.graft.simplify.Patches;
import dev.graft.simplify.Recorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Second moments of one consumer layer over the calibration set: XᵀX and XᵀY of its input rows X
 * in the model thinned so far (plus a constant column for the bias of a Conv or Gemm) against Y,
 * the teacher's output of that layer (all its output channels), and Σy² per output channel; a
 * group restricts XᵀY and Σy² to the output channels its consumer still has. The rows of each
 * consumer are a fixed pseudo-random sample of at most {@code max(65536, 64·fan)} of all its rows
 * (every row when there are fewer), so the products cost no more past that; they run in
 * {@link MomentProducts} (float64 Gemm in ONNX Runtime), consumers in parallel.
 */
final class Moments {
  private static final int BUDGET = 1 << 16;
  private static final int BATCH = 128;

  private final LinearLayer layer;
  private final Patches.Rows rows;
  private final boolean bias;
  private final int fan;
  private final int outs;
  private final boolean channelsFirst;
  private final long stride;
  private final long salt;
  private final MomentProducts products;

  private Moments(LinearLayer layer, long[] inShape, long[] outShape, int teacherWidth,
      long samples, long salt) {
    this.layer = layer;
    this.rows = new Patches.Rows(layer, inShape, outShape);
    this.bias = layer.kind() != LinearLayer.Kind.MATMUL;
    this.fan = rows.fan();
    this.outs = teacherWidth;
    this.channelsFirst = layer.kind() == LinearLayer.Kind.CONV;
    long total = samples * rows.positions();
    long budget = Math.max(BUDGET, 64L * fan);
    this.stride = Math.max(1, (total + budget - 1) / budget);
    this.salt = salt;
    this.products = new MomentProducts(fan + (bias ? 1 : 0), outs);
  }

  /**
   * Moments of each consumer (by node name; in {@code shaped}, the current graph with concrete
   * shapes), over one pass of the data through the current graph and the teacher side by side.
   */
  static Map<String, Moments> collect(Graph current, Graph teacher, Graph shaped,
      List<Node> consumers, CalibrationSource data) {
    Map<String, Moments> out = new LinkedHashMap<>();
    List<String> inputs = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (Node n : consumers) {
      LinearLayer l = LinearLayer.of(shaped, n).orElseThrow();
      long[] is = shaped.info(n.input(0)).map(ValueInfo::shape).orElseThrow().sizes();
      long[] os = shaped.info(n.output(0)).map(ValueInfo::shape).orElseThrow().sizes();
      int width = (int) teacher.info(n.output(0)).map(ValueInfo::shape).orElseThrow()
          .dim(l.kind() == LinearLayer.Kind.MATMUL ? os.length - 1 : 1).value();
      out.put(n.name(), new Moments(l, is, os, width, data.size(),
          out.size() * 0x9E3779B97F4A7C15L));
      inputs.add(n.input(0));
      targets.add(n.output(0));
    }
    List<Moments> all = new ArrayList<>(out.values());
    int threads = Math.min(all.size(), Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "graft-moments");
      t.setDaemon(true);
      return t;
    });
    try {
      Recorder.stream(data, BATCH, List.of(current, teacher), List.of(inputs, targets),
          (start, t) -> {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
              Moments m = all.get(i);
              NdArray x = t.get(0).get(inputs.get(i));
              NdArray y = t.get(1).get(targets.get(i));
              jobs.add(pool.submit(() -> m.add(start, x.floats(), y.floats(), x.rows())));
            }
            for (Future<?> j : jobs) {
              await(j);
            }
          });
      List<Future<?>> jobs = new ArrayList<>();
      for (Moments m : all) {
        jobs.add(pool.submit(m.products::flush));
      }
      for (Future<?> j : jobs) {
        await(j);
      }
    } finally {
      pool.shutdownNow();
      all.forEach(m -> m.products.close());
    }
    return out;
  }

  private static void await(Future<?> job) {
    try {
      job.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r
          : GraftException.failure("channel statistics failed: %s", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GraftException.failure("channel statistics were interrupted");
    }
  }

  /** Adds the sampled rows of one batch whose first sample is {@code start}. */
  private void add(int start, float[] x, float[] y, int samples) {
    int positions = rows.positions();
    int f = products.features();
    for (int s = 0; s < samples; s++) {
      for (int p = 0; p < positions; p++) {
        long idx = (long) (start + s) * positions + p;
        if (stride > 1 && Long.remainderUnsigned(mix(idx ^ salt), stride) != 0) {
          continue;
        }
        double[] xr = products.nextX();
        int off = products.rowOffset();
        rows.row(x, s, p, xr, off * f);
        if (bias) {
          xr[off * f + fan] = 1;
        }
        double[] yr = products.currentY();
        for (int o = 0; o < outs; o++) {
          yr[off * outs + o] = channelsFirst ? y[(s * outs + o) * positions + p]
              : y[(s * positions + p) * outs + o];
        }
        products.commitRow();
      }
    }
  }

  /** SplitMix64's finalizer: a fixed pseudo-random hash of a row index. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The least-squares problem over the input channels' classes, for output channels {@code kept}. */
  Somp somp(int[] kept, int[] classOf, int classCount) {
    double[][] all = products.xy();
    double[][] xy = new double[all.length][kept.length];
    double yy = 0;
    for (int k = 0; k < kept.length; k++) {
      for (int i = 0; i < xy.length; i++) {
        xy[i][k] = all[i][kept[k]];
      }
      yy += products.yy()[kept[k]];
    }
    return new Somp(products.gram(), xy, yy, layer.taps(), classOf, classCount, bias);
  }

  /** The present weights of {@code current} over the kept input features (and its bias). */
  double[][] presentCoefficients(LinearLayer current, List<Integer> features) {
    double[][] w = current.weights();
    double[] b = current.bias();
    double[][] c = new double[features.size()][w.length];
    for (int i = 0; i < features.size(); i++) {
      int f = features.get(i);
      for (int o = 0; o < w.length; o++) {
        c[i][o] = f == fan ? b[o] : w[o][f];
      }
    }
    return c;
  }
}
