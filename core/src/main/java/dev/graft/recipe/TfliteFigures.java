package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.io.Temporaries;
import dev.graft.report.RunReport;
import dev.graft.tflite.ConvertOptions;
import dev.graft.tflite.ConvertResult;
import dev.graft.tflite.LiteRt;
import dev.graft.tflite.TfliteConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a phone engineer asks of each exported TFLite file: its size and LiteRT latency against the
 * teacher converted at the same precision. Latency is measured in one LiteRT runner process,
 * teacher and result interleaved ({@link #ROUNDS} rounds of {@link #RUNS} runs each, after
 * {@link #WARMUP} untimed runs) on random inputs of a fixed seed; where LiteRT cannot measure, the
 * report says why and holds no figures.
 */
final class TfliteFigures {
  static final int ROUNDS = 3;
  static final int RUNS = 10;
  static final int WARMUP = 3;

  private final List<RunReport.TfliteFile> files = new ArrayList<>();
  private final List<RunReport.LiteRtLatency> latencies = new ArrayList<>();

  List<RunReport.TfliteFile> files() {
    return List.copyOf(files);
  }

  List<RunReport.LiteRtLatency> latencies() {
    return List.copyOf(latencies);
  }

  /** Converts the teacher as the result was converted and measures both in LiteRT. */
  void measure(RunContext ctx, ConvertOptions options, ConvertResult result, Path written,
      String precision) {
    ConvertResult teacher = null;
    String teacherWhy = null;
    try {
      teacher = TfliteConverter.convert(ctx.teacher, options);
    } catch (GraftException e) {
      teacherWhy = "the teacher does not convert at " + precision + ": " + e.getMessage();
    }
    files.add(new RunReport.TfliteFile(precision, written.toString(),
        teacher == null ? null : (long) teacher.bytes().length, result.bytes().length,
        teacherWhy));
    latencies.add(latency(teacher, written, precision));
  }

  static RunReport.LiteRtLatency latency(ConvertResult teacher, Path written,
      String precision) {
    Path work = Temporaries.folder("graft-latency");
    try {
      List<Path> models = new ArrayList<>();
      if (teacher != null) {
        models.add(work.resolve("teacher.tflite"));
        Files.write(models.get(0), teacher.bytes());
      }
      models.add(written);
      List<Map<String, Object>> m = LiteRt.locate().compare(models, ROUNDS, RUNS, WARMUP);
      return new RunReport.LiteRtLatency(precision, String.format(java.util.Locale.ROOT,
          "litert-wasm (Node), batch 1, random inputs of seed 0, teacher and result interleaved"
              + " in %d rounds of %d runs", ROUNDS, RUNS),
          WARMUP, ROUNDS * RUNS, teacher == null ? null : ms(m.get(0)), ms(m.get(m.size() - 1)),
          null);
    } catch (GraftException e) {
      return RunReport.LiteRtLatency.unavailable(precision, "LiteRT latency not measured: "
          + e.getMessage());
    } catch (IOException e) {
      return RunReport.LiteRtLatency.unavailable(precision, "LiteRT latency not measured:"
          + " cannot write the teacher's file: " + e.getMessage());
    } finally {
      Temporaries.delete(work);
    }
  }

  private static RunReport.Ms ms(Map<String, Object> m) {
    return new RunReport.Ms(((Number) m.get("min_ms")).doubleValue(),
        ((Number) m.get("median_ms")).doubleValue());
  }
}
