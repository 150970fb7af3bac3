package dev.graft.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A few daemon threads, one per core, that run independent ONNX Runtime calls side by side (an
 * ONNX Runtime session may be run from several threads at once).
 */
final class Workers {
  private static final int THREADS = Runtime.getRuntime().availableProcessors();
  private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "graft-ort-worker");
    t.setDaemon(true);
    return t;
  });

  private Workers() {}

  /**
   * {@code f} applied to every item, the results in the items' order. The items are cut into
   * one contiguous share per thread; each share runs in order on its thread.
   */
  static <T, R> List<R> map(List<T> items, Function<T, R> f) {
    int shares = Math.min(THREADS, items.size());
    if (shares <= 1) {
      return items.stream().map(f).toList();
    }
    List<Future<List<R>>> futures = new ArrayList<>();
    for (int k = 0; k < shares; k++) {
      List<T> share = items.subList(k * items.size() / shares, (k + 1) * items.size() / shares);
      futures.add(POOL.submit(() -> share.stream().map(f).toList()));
    }
    List<R> out = new ArrayList<>();
    try {
      for (Future<List<R>> fu : futures) {
        out.addAll(fu.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(fu -> fu.cancel(true));
      throw new IllegalStateException("interrupted while running ONNX Runtime", e);
    } catch (ExecutionException e) {
      futures.forEach(fu -> fu.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return out;
  }
}
