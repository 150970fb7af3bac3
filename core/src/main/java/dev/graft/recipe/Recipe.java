package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.exec.Device;
import dev.graft.replace.StudentSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A compression recipe: the teacher, its calibration data with a held-out share, ordered steps,
 * and the fidelity the result must keep. Java users build one with {@link #builder()}; Kotlin
 * users write a {@code .graft.kts} file (or {@code graft { }} in code) over the same builder.
 * Immutable.
 *
 * <pre>{@code
 * Recipe r = Recipe.builder()
 *     .teacher(Path.of("encoder.onnx"))
 *     .calibration(List.of("calib.npy"), 0.2)
 *     .replace("blocks.2", "blocks.4", new StudentSpec.AttentionFfn(4, 128), 0)
 *     .exportTflite(Path.of("out/model.tflite"), Precision.INT8)
 *     .require(Requirement.Metric.TOP1_AGREEMENT, 0.99)
 *     .build();
 * Recipe detector = Recipe.builder()
 *     .teacher(Path.of("ultraface.onnx")).calibration(List.of("photos"), 0.2)
 *     .output(OutputRole.scores("scores", 0.7, false, 0))
 *     .output(OutputRole.boxes("boxes", "scores"))
 *     .thin("Conv_24,Conv_30", 0.5)
 *     .require(new Requirement(Requirement.Metric.RECALL, "scores", 0.9, Origin.UNKNOWN))
 *     .build();
 * }</pre>
 */
public final class Recipe {
  private final Path teacher;
  private final List<String> calibration;
  private final Path labels;
  private final double heldOut;
  private final long seed;
  private final Device device;
  private final List<Step> steps;
  private final List<Requirement> requirements;
  private final String source;
  private final List<String> testData;
  private final Path testLabels;
  private final dev.graft.data.ImageOptions images;
  private final java.util.Map<String, Long> dims;
  private final List<dev.graft.verify.OutputRole> outputs;

  private Recipe(Builder b) {
    this.dims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.dims));
    this.outputs = List.copyOf(b.outputs.values());
    this.images = b.images;
    this.testData = List.copyOf(b.testData);
    this.testLabels = b.testLabels;
    this.teacher = b.teacher;
    this.calibration = List.copyOf(b.calibration);
    this.labels = b.labels;
    this.heldOut = b.heldOut;
    this.seed = b.seed;
    this.device = b.device;
    this.steps = List.copyOf(b.steps);
    this.requirements = List.copyOf(b.requirements);
    this.source = b.source;
  }

  private Recipe(Recipe r, String source, Device device, java.util.Map<String, Long> dims) {
    this.dims = dims;
    this.outputs = r.outputs;
    this.images = r.images;
    this.testData = r.testData;
    this.testLabels = r.testLabels;
    this.teacher = r.teacher;
    this.calibration = r.calibration;
    this.labels = r.labels;
    this.heldOut = r.heldOut;
    this.seed = r.seed;
    this.device = device;
    this.steps = r.steps;
    this.requirements = r.requirements;
    this.source = source;
  }

  /** The same recipe with its text recorded (the script host does this). */
  public Recipe withSource(String text) {
    return new Recipe(this, text, device, dims);
  }

  /** The same recipe run on another device (the command line's --device). */
  public Recipe withDevice(Device d) {
    return new Recipe(this, source, d, dims);
  }

  /** The same recipe with more dimensions bound (the command line's --dim wins over the recipe). */
  public Recipe withDims(java.util.Map<String, Long> more) {
    java.util.Map<String, Long> all = new java.util.LinkedHashMap<>(dims);
    all.putAll(more);
    return new Recipe(this, source, device, java.util.Collections.unmodifiableMap(all));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Path teacher() {
    return teacher;
  }

  /** Calibration DATA forms, as the command line takes them. */
  public List<String> calibration() {
    return calibration;
  }

  /** Integer labels for accuracy, or null. */
  public Path labels() {
    return labels;
  }

  public double heldOut() {
    return heldOut;
  }

  public long seed() {
    return seed;
  }

  public Device device() {
    return device;
  }

  public List<Step> steps() {
    return steps;
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /**
   * Data the result is measured on instead of the held-out calibration rows (DATA forms), empty
   * when none was given.
   */
  public List<String> testData() {
    return testData;
  }

  /** How image folders given as data become tensors, or null when the data are .npy files. */
  public dev.graft.data.ImageOptions images() {
    return images;
  }

  /**
   * Sizes of the teacher's named symbolic dimensions ({@code dims("sequence" to 128)}, {@code
   * --dim sequence=128}), bound before any step; empty when none.
   */
  public java.util.Map<String, Long> dims() {
    return dims;
  }

  /** Integer labels of the test data, or null. */
  public Path testLabels() {
    return testLabels;
  }

  /** The roles declared for the teacher's outputs; the others are inferred. */
  public List<dev.graft.verify.OutputRole> outputs() {
    return outputs;
  }

  /** The recipe's text, recorded in exported models' metadata; may be empty. */
  public String source() {
    return source;
  }

  /** Builds recipes; each call may carry the {@link Origin} of the recipe line that made it. */
  public static final class Builder {
    private Path teacher;
    private final List<String> calibration = new ArrayList<>();
    private Path labels;
    private double heldOut = 0.2;
    private long seed = 0;
    private Device device = Device.CPU;
    private final List<Step> steps = new ArrayList<>();
    private final List<Requirement> requirements = new ArrayList<>();
    private String source = "";
    private final List<String> testData = new ArrayList<>();
    private Path testLabels;
    private dev.graft.data.ImageOptions images;
    private final java.util.Map<String, Long> dims = new java.util.LinkedHashMap<>();
    private Origin teacherOrigin = Origin.UNKNOWN;
    private Origin calibrationOrigin = Origin.UNKNOWN;
    private final java.util.Map<String, dev.graft.verify.OutputRole> outputs =
        new java.util.LinkedHashMap<>();

    private Builder() {}

    /**
     * Declares what a teacher output means (its role), so reports, verification and requirements
     * measure it that way; a second declaration of the same output replaces the first.
     */
    public Builder output(dev.graft.verify.OutputRole role) {
      outputs.put(role.output(), role);
      return this;
    }

    public Builder teacher(Path model) {
      return teacher(model, Origin.UNKNOWN);
    }

    public Builder teacher(Path model, Origin origin) {
      this.teacher = model;
      this.teacherOrigin = origin;
      return this;
    }

    public Builder calibration(List<String> data, double heldOutFraction) {
      return calibration(data, heldOutFraction, Origin.UNKNOWN);
    }

    public Builder calibration(List<String> data, double heldOutFraction, Origin origin) {
      if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
        throw error(origin, "held-out fraction %s must be in (0, 1)", heldOutFraction);
      }
      calibration.clear();
      calibration.addAll(data);
      this.heldOut = heldOutFraction;
      this.calibrationOrigin = origin;
      return this;
    }

    public Builder labels(Path file) {
      this.labels = file;
      return this;
    }

    /** Measure the result on this data (and labels, may be null) rather than held-out rows. */
    public Builder test(List<String> data, Path labels) {
      testData.clear();
      testData.addAll(data);
      this.testLabels = labels;
      return this;
    }

    /** How image folders given as calibration or test data become tensors. */
    public Builder images(dev.graft.data.ImageOptions options) {
      this.images = options;
      return this;
    }

    /** Binds the teacher's named symbolic dimensions to sizes (a later size for a name wins). */
    public Builder dims(java.util.Map<String, Long> sizes) {
      return dims(sizes, Origin.UNKNOWN);
    }

    public Builder dims(java.util.Map<String, Long> sizes, Origin origin) {
      for (java.util.Map.Entry<String, Long> e : sizes.entrySet()) {
        if (e.getValue() == null || e.getValue() < 1) {
          throw error(origin, "dimension %s must be bound to a positive size, got %s",
              e.getKey(), e.getValue());
        }
        dims.put(e.getKey(), e.getValue());
      }
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder device(Device d) {
      this.device = d;
      return this;
    }

    public Builder source(String text) {
      this.source = text;
      return this;
    }

    public Builder replace(String from, String to, StudentSpec student, int epochs) {
      return step(new Step.Replace(from, to, student, epochs, Origin.UNKNOWN));
    }

    public Builder thin(String layers, double keep) {
      return step(new Step.Thin(layers, keep, 8, false, Origin.UNKNOWN));
    }

    public Builder lowRank(String layers, int rank, double energy) {
      return step(new Step.LowRank(layers, rank, energy, true, Origin.UNKNOWN));
    }

    public Builder simplify() {
      return step(new Step.Simplify(null, null, Origin.UNKNOWN));
    }

    public Builder exportOnnx(Path path) {
      return step(new Step.ExportOnnx(path, Origin.UNKNOWN));
    }

    public Builder exportTflite(Path path, dev.graft.tflite.Precision precision) {
      return step(new Step.ExportTflite(path, precision, Origin.UNKNOWN));
    }

    public Builder require(Requirement.Metric metric, double bound) {
      return require(new Requirement(metric, bound, Origin.UNKNOWN));
    }

    public Builder require(Requirement r) {
      requirements.add(r);
      return this;
    }

    /**
     * Adds a step (which checked its own values when it was made), checking that no step follows
     * an export.
     */
    public Builder step(Step s) {
      if (!Step.isExport(s) && steps.stream().anyMatch(Step::isExport)) {
        Step export = steps.stream().filter(Step::isExport).findFirst().orElseThrow();
        throw error(s.origin(), "step '%s' comes after an export (%s); exports must come last",
            s.describe(), export.origin());
      }
      steps.add(s);
      return this;
    }

    public Recipe build() {
      if (teacher == null) {
        throw error(teacherOrigin, "the recipe names no teacher model: add teacher(\"model.onnx\")");
      }
      if (calibration.isEmpty()) {
        throw error(calibrationOrigin,
            "the recipe names no calibration data: add calibration(\"calib.npy\")");
      }
      if (steps.isEmpty()) {
        throw error(teacherOrigin, "the recipe has no steps");
      }
      return new Recipe(this);
    }
  }

  /** A bad-input error located at a recipe line. */
  public static GraftException error(Origin origin, String format, Object... args) {
    String message = String.format(format, args);
    return origin.file().isEmpty() ? GraftException.badInput("%s", message)
        : GraftException.badInput("%s: %s", origin, message);
  }
}
