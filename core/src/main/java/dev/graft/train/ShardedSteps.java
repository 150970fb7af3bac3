package dev.graft.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.exec.Ort;
import dev.graft.exec.Session;
import dev.graft.graph.Graph;
import dev.graft.train.TrainingData.Split;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * AdamW steps with each batch split into {@link BatchShards#count} equal shards whose gradients
 * ONNX Runtime computes at the same time, one call per shard on its own thread (all calls on one
 * session of {@link TrainingGraph#gradientGraph}, with {@link BatchShards#threadsPerShard}
 * intra-op threads each), followed by one call of {@link TrainingGraph#updateGraph} that
 * averages them and updates the parameters and moments. Its results have the outputs of a
 * one-step {@link TrainingGraph#build}, so the {@link Trainer} treats both alike. Close it after
 * the last step.
 */
final class ShardedSteps implements AutoCloseable {
  private final List<String> params;
  private final Session gradient;
  private final Session update;
  private final List<BatchFeed> feeds = new ArrayList<>();
  private final FloatBuffer hyperBuffer;
  private final OnnxTensor hyper;
  private final ExecutorService pool;
  private final int shardRows;

  ShardedSteps(Graph student, List<String> params, int batch, int shards, AdamW opt,
      TrainLoss loss, TrainingData data, Device device, int threads) {
    this.params = List.copyOf(params);
    this.shardRows = batch / shards;
    int each = BatchShards.threadsPerShard(shards, threads);
    Session g = null;
    Session u = null;
    OnnxTensor h = null;
    try {
      g = Session.open(TrainingGraph.gradientGraph(student, params, shardRows, loss, each == 1),
          device, each);
      u = Session.open(TrainingGraph.updateGraph(student, params, shards, opt), device, each);
      hyperBuffer = ByteBuffer.allocateDirect(3 * 4).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      h = OnnxTensor.createTensor(Ort.env(), hyperBuffer, new long[] {3});
      for (int i = 0; i < shards; i++) {
        feeds.add(new BatchFeed(data, shardRows, 0));
      }
    } catch (OrtException | RuntimeException e) {
      feeds.forEach(BatchFeed::close);
      for (AutoCloseable c : new AutoCloseable[] {g, u, h}) {
        closeQuietly(c);
      }
      throw e instanceof OrtException ? GraftException.failure(
          "cannot make sharded training tensors: %s", e.getMessage()) : (RuntimeException) e;
    }
    gradient = g;
    update = u;
    hyper = h;
    pool = Executors.newFixedThreadPool(shards - 1, r -> {
      Thread t = new Thread(r, "graft-shard");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * One step on the given training rows (one batch) with the step's scalars: returns the update
   * call's result, holding {@code new/…} for every entry of {@code state} and the loss.
   */
  OrtSession.Result run(Map<String, OnnxTensor> state, TrainingData data, int[] rows,
      float[] scalars) throws OrtException {
    boolean parallelFill = data.concurrentReads();
    List<Map<String, OnnxTensor>> filled = new ArrayList<>();
    for (int i = 0; i < feeds.size(); i++) {
      filled.add(parallelFill ? null : feed(i, state, data, rows));
    }
    List<Future<OrtSession.Result>> others = new ArrayList<>();
    for (int i = 1; i < feeds.size(); i++) {
      int shard = i;
      others.add(pool.submit(() -> gradient.run(parallelFill
          ? feed(shard, state, data, rows) : filled.get(shard))));
    }
    List<OrtSession.Result> results = new ArrayList<>();
    try {
      results.add(gradient.run(parallelFill ? feed(0, state, data, rows)
          : filled.get(0)));
      for (Future<OrtSession.Result> f : others) {
        results.add(await(f));
      }
      Map<String, OnnxTensor> feed = new HashMap<>(state);
      for (int i = 0; i < results.size(); i++) {
        feed.put(TrainingGraph.GRAD + "/" + i,
            (OnnxTensor) results.get(i).get(TrainingGraph.GRAD).orElseThrow());
        feed.put("loss/" + i, (OnnxTensor) results.get(i).get("loss").orElseThrow());
      }
      hyperBuffer.clear();
      hyperBuffer.put(scalars);
      feed.put(TrainingGraph.HYPER, hyper);
      return update.run(feed);
    } finally {
      // shards whose results were not collected, because an earlier one failed
      for (int i = Math.max(0, results.size() - 1); i < others.size(); i++) {
        closeLate(others.get(i));
      }
      results.forEach(OrtSession.Result::close);
    }
  }

  /** Shard {@code i}'s inputs: its rows of the batch written into its tensors, the parameters. */
  private Map<String, OnnxTensor> feed(int i, Map<String, OnnxTensor> state, TrainingData data,
      int[] rows) {
    Map<String, OnnxTensor> feed = new HashMap<>(feeds.get(i).fill(data, Split.TRAIN,
        java.util.Arrays.copyOfRange(rows, i * shardRows, (i + 1) * shardRows), null));
    for (String p : params) {
      feed.put(p, state.get(p));
    }
    return feed;
  }

  private static OrtSession.Result await(Future<OrtSession.Result> f) throws OrtException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GraftException.failure("training was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof OrtException o) {
        throw o;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw GraftException.failure("a training shard failed: %s", e.getCause());
    }
  }

  /** Closes the result of a shard whose step failed elsewhere, once it is done. */
  private static void closeLate(Future<OrtSession.Result> f) {
    try {
      OrtSession.Result r = f.get();
      r.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      // that shard failed too; the first failure is the one reported
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // already failing; the first error is the one reported
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    feeds.forEach(BatchFeed::close);
    hyper.close();
    update.close();
    gradient.close();
  }
}
