package dev.graft.report;

import java.util.List;
import java.util.Map;

/**
 * What a recipe run reports, as {@code report.json} holds it ({@link Json} names each component in
 * snake case and leaves null ones out). Everything outside {@link #timings} is a function of the
 * recipe, its inputs and Graft's version: a run served from the step cache reports the same bytes
 * there as the run that filled it.
 *
 * <pre>{@code
 * RunReport r = RecipeRunner.run(recipe, options).report();
 * Json.writeFile(Path.of("demo.report.json"), r);
 * }</pre>
 *
 * @param accuracy null without labels
 * @param roles the result's metrics per output on the evaluation data, by output name
 * @param regions the report sections of the replacement steps
 * @param tflite per TFLite file exported: its size and the teacher's at the same precision
 * @param timings wall-clock figures, which differ from run to run
 */
public record RunReport(
    String graftVersion,
    String teacher,
    Calibration calibration,
    long seed,
    String device,
    Counts params,
    Counts flops,
    Fidelity fidelity,
    Shares accuracy,
    Map<String, Object> roles,
    List<RequirementCheck> requirements,
    List<Map<String, Object>> regions,
    List<StepReport> steps,
    List<String> outputs,
    List<TfliteFile> tflite,
    Timings timings) {

  /** The report as the JSON tree {@code report.json} holds, for readers of plain maps. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> toJson() {
    return (Map<String, Object>) Json.tree(this);
  }

  /** Calibration samples used (of those available) and how they were split. */
  public record Calibration(int samples, int available, int train, int heldout) {}

  /** A count of the teacher and of the result. */
  public record Counts(long teacher, long result) {}

  /** A share (0..1) of the teacher and of the result. */
  public record Shares(double teacher, double result) {}

  /** Tensor fidelity of the result's first output against the teacher's. */
  public record Fidelity(
      double top1Agreement, double maxAbsErr, double relMse, long samples, String data) {}

  /** A requirement of the recipe, the value measured, and whether it was met. */
  public record RequirementCheck(String requirement, double value, boolean met) {}

  /**
   * One step: what it was, the recipe line, its report section and, for a step that changes the
   * model, the role metrics after it.
   */
  public record StepReport(
      String step, String origin, Map<String, Object> details, Map<String, Object> roles) {}

  /**
   * An exported TFLite file: its bytes and those of the teacher converted at the same precision
   * ({@code teacherBytes} null, and {@code teacherUnavailable} saying why, where the teacher does
   * not convert).
   */
  public record TfliteFile(
      String precision, String path, Long teacherBytes, long bytes, String teacherUnavailable) {}

  /**
   * Wall-clock figures: the whole run, each step (and whether the step cache served it), ONNX
   * Runtime latency of teacher and result, and LiteRT latency per exported TFLite file.
   */
  public record Timings(
      double seconds, List<StepTiming> steps, OrtLatency latencyMs, List<LiteRtLatency> litert) {}

  /** How one step ran this time. */
  public record StepTiming(String step, boolean cached, double seconds) {}

  /** Median ONNX Runtime latency, milliseconds per sample, and how it was measured. */
  public record OrtLatency(double teacher, double result, String runtime) {}

  /**
   * LiteRT latency of a TFLite file and of the teacher converted at the same precision, measured
   * interleaved in one runner process; when it could not be measured, {@code unavailable} says
   * why and there are no figures.
   */
  public record LiteRtLatency(
      String precision, String runtime, Integer warmup, Integer runs, Ms teacher, Ms result,
      String unavailable) {
    public static LiteRtLatency unavailable(String precision, String why) {
      return new LiteRtLatency(precision, null, null, null, null, null, why);
    }
  }

  /** Fastest and median run, milliseconds. */
  public record Ms(double min, double median) {}
}
