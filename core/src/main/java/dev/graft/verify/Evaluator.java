package dev.graft.verify;

import dev.graft.GraftException;
import dev.graft.data.CalibrationSource;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs a model (and optionally a reference) over a data set and measures accuracy against labels
 * and fidelity against the reference, on the model's first output. Labels are one per sample, or
 * one per position of a [batch, positions, classes] output (accuracy per position, e.g. per
 * token); top-1 agreement with the reference is likewise counted per row of the last axis.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Accuracy (null without labels) and fidelity (null without a reference). */
  public record Result(
      long samples, int outputSize, Double accuracy, Double referenceAccuracy, Fidelity fidelity) {}

  /** The most samples per ONNX Runtime call ({@code graft eval --chunk-size}). */
  public static final int MAX_CHUNK = 1 << 16;

  public static Result evaluate(
      Graph model, Graph reference, CalibrationSource data, long[] labels, Device device,
      int batchSize) {
    if (batchSize < 1 || batchSize > MAX_CHUNK) {
      throw GraftException.badInput("chunk size %d: must be 1 to %d (--chunk-size)", batchSize,
          MAX_CHUNK);
    }
    if (labels != null && (labels.length < data.size() || labels.length % data.size() != 0)) {
      throw GraftException.badInput("labels hold %d samples, the data %d", labels.length,
          data.size());
    }
    float[] out = runAll(model, data, device, batchSize);
    int rowSize = out.length / data.size();
    int labelled = labels == null ? rowSize : out.length / labels.length;
    if (labels != null && (long) labelled * labels.length != out.length) {
      throw GraftException.badInput("labels hold %d per sample; the model's first output has %d"
          + " values per sample, not a row of classes per label", labels.length / data.size(),
          rowSize);
    }
    Double acc = labels == null ? null : Metrics.accuracy(out, labelled, labels);
    Double refAcc = null;
    Fidelity fid = null;
    if (reference != null) {
      float[] ref = runAll(reference, data, device, batchSize);
      if (ref.length != out.length) {
        throw GraftException.badInput(
            "the reference's first output has %d values per sample, the model's %d",
            ref.length / data.size(), rowSize);
      }
      // top-1 per row of classes: a token model's [batch, sequence, vocab] logits per position
      Fidelity perRow = Fidelity.compare(out, ref, classes(model, rowSize));
      fid = new Fidelity(perRow.top1Agreement(), perRow.maxAbsErr(), perRow.relMse(),
          data.size());
      refAcc = labels == null ? null : Metrics.accuracy(ref, labelled, labels);
    }
    return new Result(data.size(), rowSize, acc, refAcc, fid);
  }

  /** The last axis of the model's first output where it is known and divides a sample's row. */
  private static int classes(Graph model, int rowSize) {
    dev.graft.graph.Shape s = model.outputs().get(0).shape();
    if (s == null || s.rank() < 2 || !s.dim(s.rank() - 1).isKnown()) {
      return rowSize;
    }
    long last = s.dim(s.rank() - 1).value();
    return last > 0 && rowSize % last == 0 ? (int) last : rowSize;
  }

  /** The model's first output over the whole data set, rows concatenated. */
  public static float[] runAll(Graph model, CalibrationSource data, Device device, int batch) {
    String out = model.outputNames().get(0);
    List<NdArray> parts = new ArrayList<>();
    try (OrtRunner r = OrtRunner.open(model, device)) {
      for (int s = 0; s < data.size(); s += batch) {
        int n = Math.min(batch, data.size() - s);
        Map<String, NdArray> res = r.run(data.batch(s, n), new LinkedHashSet<>(List.of(out)));
        parts.add(res.get(out));
      }
    }
    return NdArray.concatRows(parts).asFloats();
  }
}
