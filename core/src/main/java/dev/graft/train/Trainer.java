package dev.graft.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.exec.Tensors;
import dev.graft.exec.Session;
import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.exec.Ort;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.region.Costs;
import dev.graft.train.TrainingData.Split;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fits a student graph to {@link TrainingData} by MSE with AdamW, entirely in ONNX Runtime
 * sessions: mini-batches shuffled per epoch with the seed, up to {@link
 * TrainOptions#stepsPerCall()} steps per session call (one for a {@link #heavy} step; a divisor of
 * the epoch's steps where one is close, see {@link #stepsPerCall}; else a remainder runs one step
 * per call; a last partial batch is left out of the epoch), a heavy step's batch split into
 * shards computed side by side on a multi-core CPU where the student allows ({@link
 * ShardedSteps}), held-out MSE after every epoch and early stopping on it. Parameters and optimizer state stay in native tensors between calls.
 *
 * <pre>{@code
 * TrainResult r = Trainer.fit(student, List.of("w1", "b1"), data, TrainOptions.defaults());
 * }</pre>
 */
public final class Trainer {
  private static final int EVAL_BATCH = 512;

  private Trainer() {}

  public static TrainResult fit(Graph student, List<String> params, TrainingData data,
      TrainOptions o) {
    return fit(student, params, data, o, TrainLoss.MSE);
  }

  /** As above, minimizing {@code loss} (held-out figures and early stopping follow it). */
  public static TrainResult fit(Graph student, List<String> params, TrainingData data,
      TrainOptions o, TrainLoss loss) {
    int n = data.rows(Split.TRAIN);
    if (n == 0) {
      throw GraftException.badInput("the training data is empty: no training rows");
    }
    if (!student.inputNames().equals(data.inputNames())) {
      throw GraftException.badInput("student %s reads %s but the data holds %s", student.name(),
          student.inputNames(), data.inputNames());
    }
    int batch = Math.min(o.batchSize(), n);
    int stepsPerEpoch = n / batch;
    int shards = BatchShards.count(student, batch, loss, o.device(), o.threads());
    int k = stepsPerCall(heavy(student, batch) ? 1 : o.stepsPerCall(), stepsPerEpoch);
    long total = (long) stepsPerEpoch * o.epochs();
    AdamW opt = new AdamW(o.lr(), 0.9, 0.999, 1e-8, o.weightDecay(), Math.max(1, total / 20),
        total, 0.05);
    Map<String, OnnxTensor> state = new LinkedHashMap<>();
    int paramCount = 0;
    for (String p : params) {
      TensorData t = student.initializer(p).orElseThrow(() -> GraftException.badInput(
          "student %s has no parameter '%s'", student.name(), p));
      state.put(p, Tensors.of(t.floats(), t.dims()));
      paramCount += t.floats().length;
    }
    state.put(TrainingGraph.MOMENT1, Tensors.of(new float[paramCount],
        new long[] {paramCount}));
    state.put(TrainingGraph.MOMENT2, Tensors.of(new float[paramCount],
        new long[] {paramCount}));
    List<AutoCloseable> owned = new ArrayList<>(state.values());
    Graph evalGraph = evalGraph(student, params, loss);
    try (ShardedSteps sharded = shards > 1 ? new ShardedSteps(student, params, batch, shards, opt,
            loss, data, o.device(), o.threads()) : null;
        Session many = sharded != null ? null : Session.open(
            TrainingGraph.build(student, params, batch, k, opt, loss), o.device(), o.threads());
        Session one = sharded == null && k > 1 && stepsPerEpoch % k != 0
            ? Session.open(TrainingGraph.build(student, params, batch, 1, opt, loss), o.device(),
                o.threads())
            : null;
        Session eval = Session.open(evalGraph, o.device(), o.threads());
        BatchFeed manyFeed = sharded != null ? null : new BatchFeed(data, k * batch, k);
        BatchFeed oneFeed = one == null ? null : new BatchFeed(data, batch, 1)) {
      Random rnd = new Random(o.seed());
      List<EpochStats> curve = new ArrayList<>();
      Map<String, float[]> best = null;
      double bestHeld = Double.POSITIVE_INFINITY;
      int bestEpoch = 0;
      long step = 0;
      double trainNanos = 0;
      double cpuNanos = 0;
      long samples = 0;
      double firstLoss = Double.NaN;
      OrtSession.Result prev = null;
      for (int epoch = 1; epoch <= o.epochs(); epoch++) {
        int[] perm = permutation(n, rnd);
        double lossSum = 0;
        long start = System.nanoTime();
        long cpuStart = Ort.processCpuNanos();
        for (int s = 0; s < stepsPerEpoch; ) {
          int kk = stepsPerEpoch - s >= k ? k : 1;
          int[] rows = java.util.Arrays.copyOfRange(perm, s * batch, (s + kk) * batch);
          float[] hyper = new float[kk * 3];
          for (int i = 0; i < kk; i++) {
            System.arraycopy(opt.stepScalars(step + i + 1), 0, hyper, i * 3, 3);
          }
          OrtSession.Result r;
          if (sharded != null) {
            r = sharded.run(state, data, rows, hyper);
          } else {
            Map<String, OnnxTensor> feed = new HashMap<>(state);
            feed.putAll((kk == k ? manyFeed : oneFeed).fill(data, Split.TRAIN, rows, hyper));
            r = (kk == k ? many : one).run(feed);
          }
          closeAll(owned);
          owned.clear();
          if (prev != null) {
            prev.close();
          }
          prev = r;
          for (String name : new ArrayList<>(state.keySet())) {
            state.put(name, (OnnxTensor) r.get(TrainingGraph.NEW + name).orElseThrow());
          }
          for (float l : Tensors.floats(r.get(TrainingGraph.LOSSES).orElseThrow())) {
            if (Double.isNaN(firstLoss)) {
              firstLoss = l;
            }
            if (!Float.isFinite(l)) {
              // Non-finite data shows here first; every row is checked by the final evaluation.
              data.batch(Split.TRAIN, rows).forEach(Trainer::checkFinite);
            }
            if (!Float.isFinite(l) || (firstLoss > 0 && l > 1e4 * firstLoss)) {
              throw GraftException.failure("training diverged at epoch %d: the loss went from %s "
                  + "to %s; lower the learning rate (now %s)", epoch, firstLoss, l, o.lr());
            }
            lossSum += l;
          }
          s += kk;
          step += kk;
          samples += (long) kk * batch;
        }
        trainNanos += System.nanoTime() - start;
        cpuNanos += cpuStart < 0 ? Double.NaN : Ort.processCpuNanos() - cpuStart;
        double[] held = evaluate(eval, state, params, data, Split.HELD_OUT);
        EpochStats st = new EpochStats(epoch, lossSum / stepsPerEpoch, held[0], held[1]);
        curve.add(st);
        boolean better = data.rows(Split.HELD_OUT) == 0 || held[0] < bestHeld;
        if (better) {
          bestHeld = data.rows(Split.HELD_OUT) == 0 ? bestHeld : held[0];
          bestEpoch = epoch;
          best = snapshot(state, params);
        }
        double perEpoch = trainNanos / 1e9 / epoch;
        o.listener().epochDone(st, o.epochs(), perEpoch * (o.epochs() - epoch));
        if (epoch - bestEpoch >= o.patience()) {
          break;
        }
      }
      if (prev != null) {
        prev.close();
      }
      Map<String, OnnxTensor> bestState = new LinkedHashMap<>();
      Map<String, TensorData> fitted = new LinkedHashMap<>();
      for (String p : params) {
        long[] dims = student.initializer(p).orElseThrow().dims();
        bestState.put(p, Tensors.of(best.get(p), dims));
        fitted.put(p, TensorData.ofFloats(p, dims, best.get(p)));
      }
      double trainRel = evaluate(eval, bestState, params, data, Split.TRAIN)[1];
      double heldRel = curve.get(bestEpoch - 1).heldOutRelMse();
      closeAll(new ArrayList<>(bestState.values()));
      return new TrainResult(fitted, curve, bestEpoch, trainRel, heldRel,
          samples / (trainNanos / 1e9), cpuNanos / 1e9, shards);
    } catch (OrtException e) {
      throw GraftException.failure("training %s failed in ONNX Runtime: %s", student.name(),
          OrtRunner.oneLine(e));
    } finally {
      closeAll(owned);
    }
  }

  /**
   * Whether one training step of the student (forward, input and weight gradients: about three
   * forward passes) costs at least {@link #HEAVY_STEP_MACS} multiply-accumulates. Such a step runs
   * one per session call: the call's fixed cost is then a fraction of a percent of the step, while
   * every step more in the graph adds to its build and to its slower first calls, which fall in the
   * timed loop (thin-conv's student at batch 64: 0.97 G MACs a step).
   */
  static boolean heavy(Graph student, int batch) {
    return 3.0 * batch * Costs.macs(student) >= HEAVY_STEP_MACS;
  }

  /** See {@link #heavy}. */
  static final long HEAVY_STEP_MACS = 500_000_000L;

  /**
   * Steps per session call: the largest divisor of the epoch's steps up to {@code asked} when it is
   * at least half of it, so that every call runs the same graph and no second session serves the
   * remainder (its slower first calls fall in the timed loop); otherwise {@code asked}, capped at
   * the epoch.
   */
  static int stepsPerCall(int asked, int stepsPerEpoch) {
    int k = Math.min(asked, stepsPerEpoch);
    for (int d = k; 2 * d >= k; d--) {
      if (stepsPerEpoch % d == 0) {
        return d;
      }
    }
    return k;
  }

  /**
   * Mean squared error and relative MSE (sum of squared errors over sum of squared targets) of a
   * student with its weights in place, over one split; NaN for an empty split.
   */
  public static double[] score(Graph student, TrainingData data, Split split, Device device,
      int threads) {
    return score(student, data, split, device, threads, TrainLoss.MSE);
  }

  /**
   * As above in {@code loss}: for {@link TrainLoss#KL} the second figure is the mean KL per row,
   * the held-out figure {@link #fit(Graph, List, TrainingData, TrainOptions, TrainLoss)} follows.
   */
  public static double[] score(Graph student, TrainingData data, Split split, Device device,
      int threads, TrainLoss loss) {
    try (Session s = Session.open(evalGraph(student, List.of(), loss), device,
        threads)) {
      return evaluate(s, Map.of(), List.of(), data, split);
    } catch (OrtException e) {
      throw GraftException.failure("scoring %s failed in ONNX Runtime: %s", student.name(),
          OrtRunner.oneLine(e));
    }
  }

  /** Mean squared error and relative MSE of the student over a split; NaN for an empty split. */
  static double[] evaluate(Session eval, Map<String, OnnxTensor> state, List<String> params,
      TrainingData data, Split split) throws OrtException {
    int rows = data.rows(split);
    if (rows == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double sse = 0;
    double ssy = 0;
    long count = 0;
    for (int at = 0; at < rows; at += EVAL_BATCH) {
      int m = Math.min(EVAL_BATCH, rows - at);
      int[] idx = new int[m];
      for (int i = 0; i < m; i++) {
        idx[i] = at + i;
      }
      Map<String, OnnxTensor> feed = new HashMap<>();
      for (String p : params) {
        feed.put(p, state.get(p));
      }
      List<OnnxTensor> made = new ArrayList<>();
      for (Map.Entry<String, NdArray> en : data.batch(split, idx).entrySet()) {
        checkFinite(en.getKey(), en.getValue());
        OnnxTensor t = Tensors.of(en.getValue());
        made.add(t);
        feed.put(en.getKey().equals(data.targetName()) ? TrainingGraph.TARGET : en.getKey(), t);
        if (en.getKey().equals(data.targetName())) {
          count += en.getValue().size();
        }
      }
      try (OrtSession.Result r = eval.run(feed)) {
        sse += Tensors.floats(r.get(0))[0];
        ssy += Tensors.floats(r.get(1))[0];
      }
      closeAll(made);
    }
    return new double[] {sse / count, ssy == 0 ? sse : sse / ssy};
  }

  /** The student with parameters as inputs and a target, giving what {@link TrainLoss} sums (sse, ssy). */
  static Graph evalGraph(Graph student, List<String> params, TrainLoss loss) {
    Graph.Builder b = student.toBuilder();
    for (String p : params) {
      TensorData t = student.initializer(p).orElseThrow();
      b.removeInitializer(p);
      b.input(new ValueInfo(p, DType.FLOAT, t.shape()));
    }
    ValueInfo y = student.outputs().get(0);
    b.input(new ValueInfo(TrainingGraph.TARGET, DType.FLOAT, y.shape()));
    GraphEmitter e = new GraphEmitter(b, "eval/", DType.FLOAT);
    loss.emitScore(e, y.name(), TrainingGraph.TARGET);
    return b.outputs(List.of(new ValueInfo("sse", DType.FLOAT, Shape.scalar()),
        new ValueInfo("ssy", DType.FLOAT, Shape.scalar()))).build();
  }

  /** Refuses NaN and infinite values in training data. */
  public static void checkFinite(String name, NdArray a) {
    if (a.type() != DType.FLOAT) {
      return;
    }
    float[] f = a.floats();
    for (int i = 0; i < f.length; i++) {
      if (!Float.isFinite(f[i])) {
        throw GraftException.badInput("training data %s holds %s at element %d of a batch",
            name, f[i], i);
      }
    }
  }

  private static Map<String, float[]> snapshot(Map<String, OnnxTensor> state,
      List<String> params) {
    Map<String, float[]> m = new HashMap<>();
    for (String p : params) {
      m.put(p, Tensors.floats(state.get(p)));
    }
    return m;
  }

  private static int[] permutation(int n, Random rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static void closeAll(List<? extends AutoCloseable> xs) {
    for (AutoCloseable x : xs) {
      try {
        x.close();
      } catch (Exception ignored) {
        // closing native tensors does not fail in practice; nothing to recover
      }
    }
  }
}
