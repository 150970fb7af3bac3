package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.data.Calibration;
import dev.graft.data.CalibrationSource;
import dev.graft.data.Samples;
import dev.graft.graph.Dims;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What every step of a run shares: the teacher, the calibration samples with their seeded
 * train/held-out split, held-out labels, the data's content hash, and where files go.
 */
final class RunContext {
  final Recipe recipe;
  final RecipeRunner.Options options;
  final Graph teacher;
  final Samples samples;
  final Samples.Split split;
  final long[] heldOutLabels;
  final String dataHash;
  /** Calibration samples the data holds; more than were used when the memory limit cut them. */
  final int calibrationAvailable;
  /** What the result is measured on: the test data when given, else the held-out rows. */
  final Samples evaluation;
  final long[] evaluationLabels;
  final String evaluationName;
  /** What each teacher output means: declared in the recipe, else inferred. */
  final dev.graft.verify.OutputRoles roles;
  private Map<String, NdArray> teacherOutputs;

  RunContext(Recipe recipe, RecipeRunner.Options options) {
    this.recipe = recipe;
    this.options = options;
    this.teacher = Dims.bind(OnnxReader.read(input(recipe.teacher())), recipe.dims());
    int[] available = new int[1];
    this.samples = load(recipe.calibration(), available);
    this.calibrationAvailable = available[0];
    this.split = samples.split(recipe.heldOut(), recipe.seed());
    this.heldOutLabels = recipe.labels() == null ? null : heldOutLabels(recipe.labels());
    this.dataHash = hash(samples);
    this.roles = dev.graft.verify.OutputRoles.of(teacher, recipe.outputs());
    if (recipe.testData().isEmpty()) {
      this.evaluation = split.heldOut();
      this.evaluationLabels = heldOutLabels;
      this.evaluationName = "held-out calibration rows";
    } else {
      this.evaluation = load(recipe.testData(), new int[1]);
      this.evaluationLabels = recipe.testLabels() == null ? null
          : labels(recipe.testLabels(), evaluation.size());
      this.evaluationName = "test data " + String.join(", ", recipe.testData());
    }
  }

  /** Every teacher output on the evaluation data, computed once. */
  Map<String, NdArray> teacherOutputs() {
    if (teacherOutputs == null) {
      teacherOutputs = dev.graft.verify.RoleEvaluator.outputs(teacher, evaluation.source(),
          recipe.device(), options.captureBatch());
    }
    return teacherOutputs;
  }

  /** {@code model}'s outputs measured by role against the teacher's on the evaluation data. */
  List<dev.graft.verify.RoleMetrics.Result> roleMetrics(Graph model) {
    return dev.graft.verify.RoleEvaluator.compare(model, teacherOutputs(), roles,
        evaluation.source(), evaluationLabels, recipe.device(), options.captureBatch());
  }

  /** Loads data up to the memory limits; {@code available[0]} receives how many samples exist. */
  private Samples load(List<String> data, int[] available) {
    List<String> specs = new ArrayList<>();
    for (String s : data) {
      int eq = s.indexOf('=');
      specs.add(eq > 0 ? s.substring(0, eq + 1) + input(Path.of(s.substring(eq + 1)))
          : input(Path.of(s)).toString());
    }
    try (CalibrationSource source = Calibration.open(specs, teacher, recipe.images())) {
      available[0] = source.size();
      long bytesPerSample = 0;
      for (NdArray a : source.batch(0, 1).values()) {
        bytesPerSample += 4L * a.size();
      }
      long byBytes = Math.max(2, options.maxBytes() / Math.max(1, bytesPerSample));
      return Samples.load(source, (int) Math.min(options.maxSamples(), byBytes));
    }
  }

  Path input(Path p) {
    return p.isAbsolute() ? p : options.baseDir().resolve(p).normalize();
  }

  Path output(Path p) {
    return p.isAbsolute() ? p : options.outDir().resolve(p).normalize();
  }

  private long[] labels(Path file, int expected) {
    return dev.graft.data.Labels.read(input(file), teacher, expected);
  }

  private long[] heldOutLabels(Path file) {
    long[] all = labels(file, samples.size());
    long[] out = new long[split.heldOutRows().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = all[split.heldOutRows()[i]];
    }
    return out;
  }

  private static String hash(Samples s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      s.inputs().forEach((name, a) -> {
        md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        float[] v = a.asFloats();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        md.update(b.array());
      });
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
