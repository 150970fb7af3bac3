package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.ImageOptions;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.OnnxWriter;
import dev.graft.replace.StudentSpec;
import dev.graft.testing.Fixtures;
import dev.graft.verify.OutputRole;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A face detector's steps judged by its face decisions: dropping a block (skip) loses the
 * confident faces and misses {@code recall(scores) >= 0.9}, while a thinning that keeps them meets
 * it; every step's role metrics are in the report.
 */
class DetectorRolesTest {
  static final ImageOptions IMAGES =
      new ImageOptions(240, 320, 3, new float[] {127f / 255}, new float[] {128f / 255});
  @TempDir static Path dir;
  static Path teacher;

  /** UltraFace with its batch axis made symbolic, so batches of photos run at once. */
  @BeforeAll
  static void symbolicBatch() {
    Graph g = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    Graph.Builder b = g.toBuilder().clearValueInfo();
    b.inputs(g.inputs().stream().map(DetectorRolesTest::batch).toList());
    b.outputs(g.outputs().stream().map(DetectorRolesTest::batch).toList());
    teacher = dir.resolve("ultraface-batch.onnx");
    OnnxWriter.write(b.build(), teacher);
  }

  static ValueInfo batch(ValueInfo v) {
    return v.withShape(v.shape().withDim(0, Dim.symbol("batch")));
  }

  static Recipe.Builder detector(Step step) {
    String faces = Fixtures.thirdParty("faces").toString();
    return Recipe.builder().teacher(teacher).calibration(List.of(faces), 0.34)
        .test(List.of(faces), null).images(IMAGES)
        .output(OutputRole.parse("scores=scores:threshold=0.7"))
        .output(OutputRole.parse("boxes=boxes:pairedWith=scores"))
        .step(step)
        .require(new Requirement(Requirement.Metric.RECALL, "scores", 0.9,
            new Origin("detector.graft.kts", 7)));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> roles(RunResult r, String output) {
    return (Map<String, Object>) r.report().roles().get(output);
  }

  @Test
  void skippingABlockLosesTheFacesAndMissesTheRecallBound() {
    RunResult r = RecipeRunner.run(detector(new Step.Replace("Conv_39", "Relu_44",
        new StudentSpec.Skip(), 0, Origin.UNKNOWN)).build(),
        RecipeRunner.Options.in(dir, dir.resolve("skip")).withCacheDir(null));
    Map<String, Object> scores = roles(r, "scores");
    System.out.println("ultraface skip Conv_39..Relu_44: " + scores + " " + roles(r, "boxes"));
    assertTrue(((Number) scores.get("positives_teacher")).doubleValue() > 50, scores.toString());
    assertTrue(((Number) scores.get("recall")).doubleValue() < 0.9, scores.toString());
    assertFalse(r.requirementsMet());
    String html = dev.graft.report.HtmlReport.render(r.report());
    assertTrue(html.contains("<h2>Outputs by role, before and after each step</h2>"), html);
    assertTrue(html.contains("<td>scores</td><td>scores:threshold=0.7,background=0</td><td>"
        + "precision 1, recall 0, f1 0, positives_teacher 209, positives_result 0,"), html);
    // the recall bar after the step reads 0, the positive decisions fall from 209 to 0
    assertTrue(html.contains("after 1 replace recall: 0</title>"), html);
    assertTrue(html.contains("teacher positives: 209</title>"), html);
    assertTrue(html.contains("after 1 replace positives: 0</title>"), html);
    assertTrue(r.unmetRequirements().get(0).startsWith(
        "detector.graft.kts:7: recall(scores) is "), r.unmetRequirements().toString());
  }

  @Test
  void aThinningThatKeepsTheFacesMeetsIt() {
    RunResult r = RecipeRunner.run(detector(new Step.Thin("Conv_30", 0.75, 8, false,
        Origin.UNKNOWN)).build(),
        RecipeRunner.Options.in(dir, dir.resolve("thin")).withCacheDir(null));
    Map<String, Object> scores = roles(r, "scores");
    System.out.println("ultraface thin Conv_30 0.75: " + scores + " " + roles(r, "boxes"));
    assertTrue(r.requirementsMet(), r.unmetRequirements().toString());
    assertEquals("boxes", roles(r, "boxes").get("role"));
  }
}
