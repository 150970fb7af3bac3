package dev.graft.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each role's metrics on small arrays, against figures worked out independently here. */
class RoleMetricsTest {
  static final double TOL = 1e-9;

  @Test
  void classesGiveTopOneAgreementKlAndAccuracyFromLogits() {
    float[] y = {2, 1, 0, 0, 1, 3};
    float[] r = {1, 2, 0, 0, 0, 5};
    Map<String, Double> m = RoleMetrics.classes(y, r, 3, true, new long[] {1, 2});
    assertEquals(0.5, m.get("top1_agreement"), TOL);
    double kl = (klOfLogits(new double[] {1, 2, 0}, new double[] {2, 1, 0})
        + klOfLogits(new double[] {0, 0, 5}, new double[] {0, 1, 3})) / 2;
    assertEquals(kl, m.get("kl"), 1e-9);
    assertEquals(0.5, m.get("accuracy"), TOL);
    assertEquals(1.0, m.get("teacher_accuracy"), TOL);
  }

  @Test
  void perPositionClassesExcuseOnlyDisagreementsWhereTheReferenceIsANearTie() {
    // [batch 1, sequence 4, vocab 3]: one row per position
    float[] r = {1.00f, 1.05f, 0f, 3f, 0f, 0f, 0f, 0f, 2f, 0.5f, 0.45f, 0.47f};
    float[] y = {1.10f, 1.00f, 0f, 3f, 0f, 0f, 2f, 0f, 1f, 0.5f, 0.45f, 0.47f};
    // margins 0.05, 3, 2, 0.03: with a step of 0.1 positions 0 and 3 are near-ties; position 0
    // disagrees (excused), position 2 disagrees on a margin of 2 (counted)
    Map<String, Double> m = RoleMetrics.classes(y, r, 3, true, null, TieTolerance.step(0.1));
    assertEquals(0.5, m.get("top1_agreement"), TOL);
    assertEquals(0.5, m.get("top1_agreement_raw"), TOL);
    assertEquals(2.0, m.get("near_ties"), TOL);
    assertEquals(0.1, m.get("tie_tolerance"), TOL);
    // exact ties only: both disagreements count
    Map<String, Double> exact = RoleMetrics.classes(y, r, 3, true, null);
    assertEquals(0.5, exact.get("top1_agreement"), TOL);
    assertEquals(0.0, exact.get("near_ties"), TOL);
    // position 2 fixed: only the excused near-tie disagrees
    y[6] = 0;
    y[8] = 2;
    m = RoleMetrics.classes(y, r, 3, true, null, TieTolerance.step(0.1));
    assertEquals(1.0, m.get("top1_agreement"), TOL);
    assertEquals(0.75, m.get("top1_agreement_raw"), TOL);
  }

  @Test
  void relativeTieToleranceScalesWithTheRowsLargestMagnitude() {
    // margins 0.004 on a row of magnitude 10 (tolerance 0.01: tie) and 0.004 on magnitude 1
    // (tolerance 0.001: decided)
    float[] r = {10f, 9.996f, 1f, 0.996f};
    float[] y = {9.99f, 10f, 0.99f, 1f};
    Map<String, Double> m = RoleMetrics.classes(y, r, 2, true, null, TieTolerance.relative(1e-3));
    assertEquals(1.0, m.get("near_ties"), TOL);
    assertEquals(0.0, m.get("top1_agreement"), TOL);
    assertEquals(0.0, m.get("top1_agreement_raw"), TOL);
    assertEquals(0.01, m.get("tie_tolerance"), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, TieTolerance.margin(r, 0, 1));
  }

  @Test
  void labelsOfEveryPositionGiveTokenAccuracy() {
    float[] r = {0, 1, 1, 0, 0, 1, 1, 0};
    float[] y = {0, 1, 1, 0, 1, 0, 1, 0};
    Map<String, Double> m = RoleMetrics.classes(y, r, 2, true, new long[] {1, 0, 1, 1});
    assertEquals(0.5, m.get("accuracy"), TOL);
    assertEquals(0.75, m.get("teacher_accuracy"), TOL);
  }

  /** KL(p ‖ q) by log-sum-exp: Σ p_k ((a_k − lse a) − (b_k − lse b)). */
  static double klOfLogits(double[] a, double[] b) {
    double la = Math.log(Math.exp(a[0]) + Math.exp(a[1]) + Math.exp(a[2]));
    double lb = Math.log(Math.exp(b[0]) + Math.exp(b[1]) + Math.exp(b[2]));
    double s = 0;
    for (int k = 0; k < 3; k++) {
      s += Math.exp(a[k] - la) * ((a[k] - la) - (b[k] - lb));
    }
    return s;
  }

  @Test
  void scoresCountDecisionsAboveTheThresholdOfTheNonBackgroundClass() {
    // four anchors of [background, face]; teacher faces 0, 1, 3 above 0.7; student 0, 2, 3
    float[] r = {0.1f, 0.9f, 0.2f, 0.8f, 0.9f, 0.1f, 0.25f, 0.75f};
    float[] y = {0.15f, 0.85f, 0.4f, 0.6f, 0.28f, 0.72f, 0.29f, 0.71f};
    Map<String, Double> m = RoleMetrics.scores(y, r, 2, OutputRole.scores("s", 0.7, false, 0));
    assertEquals(2.0 / 3, m.get("precision"), TOL);
    assertEquals(2.0 / 3, m.get("recall"), TOL);
    assertEquals(2.0 / 3, m.get("f1"), TOL);
    assertEquals(3.0, m.get("positives_teacher"), TOL);
    assertEquals(3.0, m.get("positives_result"), TOL);
    assertEquals(0.5, m.get("decision_agreement"), TOL);
  }

  @Test
  void scoresGivenAsLogitsAreSigmoidedPerElement() {
    // sigmoid(1) = 0.731 > 0.7, sigmoid(0.5) = 0.622 < 0.7
    float[] r = {1f, 1f, -3f};
    float[] y = {1f, 0.5f, -3f};
    Map<String, Double> m = RoleMetrics.scores(y, r, 3, OutputRole.scores("s", 0.7, true, -1));
    assertEquals(1.0, m.get("precision"), TOL);
    assertEquals(0.5, m.get("recall"), TOL);
    assertEquals(2 * 0.5 / 1.5, m.get("f1"), TOL);
  }

  @Test
  void boxesAreComparedOnlyWhereTheTeachersScoresArePositive() {
    float[] scores = {0.1f, 0.9f, 0.9f, 0.1f, 0.3f, 0.7001f};
    float[] r = {0, 0, 1, 1, 5, 5, 5, 5, 2, 2, 3, 3};
    float[] y = {0.5f, 0, 1, 1, 9, 9, 9, 9, 2, 2, 3, 2};
    OutputRoles roles = OutputRoles.of(twoOutputs(), List.of(
        OutputRole.scores("scores", 0.7, false, 0), OutputRole.boxes("boxes", "scores")));
    List<RoleMetrics.Result> res = RoleMetrics.measure(roles,
        Map.of("scores", NdArray.of(scores, 1, 3, 2), "boxes", NdArray.of(y, 1, 3, 4)),
        Map.of("scores", NdArray.of(scores, 1, 3, 2), "boxes", NdArray.of(r, 1, 3, 4)), null);
    RoleMetrics.Result boxes = res.get(1);
    // anchors 0 and 2 are faces: errors 0.5 and 1 over 8 coordinates; anchor 1's 4s are ignored
    assertEquals(1.5 / 8, boxes.value("mean_abs_err"), TOL);
    assertEquals(1.0, boxes.value("max_abs_err"), TOL);
    assertEquals(2.0, boxes.value("anchors"), TOL);
    assertEquals(1.0, res.get(0).value("recall"), TOL);
    assertThrows(GraftException.class, () -> boxes.value("recall"));
  }

  @Test
  void embeddingsGiveMeanAndLeastCosine() {
    Map<String, Double> m = RoleMetrics.embedding(new float[] {1, 0, 0, 2},
        new float[] {1, 1, 0, 3}, 2);
    assertEquals((Math.sqrt(0.5) + 1) / 2, m.get("mean_cosine"), 1e-7);
    assertEquals(Math.sqrt(0.5), m.get("min_cosine"), 1e-7);
  }

  @Test
  void regressionGivesTheRelativeErrorOfTheNorms() {
    Map<String, Double> m = RoleMetrics.regression(new float[] {1, 2}, new float[] {1, 4});
    assertEquals(2 / Math.sqrt(17), m.get("rel_err"), 1e-12);
    assertEquals(2.0, m.get("max_abs_err"), TOL);
  }

  static dev.graft.graph.Graph twoOutputs() {
    var b = dev.graft.graph.Graph.builder().name("two");
    b.input(new dev.graft.graph.ValueInfo("x", dev.graft.io.DType.FLOAT,
        dev.graft.graph.Shape.of(1, 3, 6)));
    b.output(new dev.graft.graph.ValueInfo("scores", dev.graft.io.DType.FLOAT,
        dev.graft.graph.Shape.of(1, 3, 2)));
    b.output(new dev.graft.graph.ValueInfo("boxes", dev.graft.io.DType.FLOAT,
        dev.graft.graph.Shape.of(1, 3, 4)));
    return b.build();
  }
}
