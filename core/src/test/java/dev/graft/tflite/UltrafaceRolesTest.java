package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.Calibration;
import dev.graft.data.CalibrationSource;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import dev.graft.verify.OutputRole;
import dev.graft.verify.OutputRoles;
import dev.graft.verify.RoleBounds;
import dev.graft.verify.RoleMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The int8 file of a face detector judged by what its outputs mean: its face decisions at 0.7
 * agree with ONNX Runtime's on real photos, so verification passes although an arg-max over box
 * regressions would not; a box bound tighter than its drift fails it, naming the boxes' metric.
 */
class UltrafaceRolesTest {
  static Graph graph;
  static ConvertResult int8;
  static Map<String, NdArray> photos;
  static final List<OutputRole> ROLES = List.of(OutputRole.parse("scores=scores:threshold=0.7"));

  @BeforeAll
  static void convert() {
    graph = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    try (CalibrationSource s = Calibration.open(
        List.of(Fixtures.thirdParty("faces").toString()), graph, UltrafaceInt8Test.IMAGES)) {
      photos = s.batch(0, s.size());
    }
    int8 = TfliteConverter.convert(graph, ConvertOptions.defaults().withPrecision(Precision.INT8)
        .withCalibration(photos));
  }

  @Test
  void rolesAreInferredFromTheSoftmaxAndTheAnchorAxis() {
    OutputRoles roles = OutputRoles.inferred(graph);
    assertEquals("scores=scores:threshold=0.5,background=0", roles.get("scores").describe());
    assertEquals("boxes=boxes:pairedWith=scores", roles.get("boxes").describe());
  }

  @Test
  void int8DecisionsAgreeSoVerificationByRolesPasses() {
    Verification.Report r = Verification.run(graph, int8, ConvertOptions.defaults(), photos,
        LiteRtForTests.require(), ROLES);
    r.roles().forEach(x -> System.out.println("ultraface int8 " + RoleBounds.describe(x)));
    RoleMetrics.Result scores = r.roles().get(0);
    assertTrue(scores.value("positives_teacher") > 50, scores.toString());
    assertTrue(scores.value("f1") >= 0.95, scores.toString());
    r.require(Verification.Bound.forPrecision(Precision.INT8, ROLES));
  }

  @Test
  void boxDriftPastItsBoundFailsNamingTheMetric() {
    List<OutputRole> tight = List.of(ROLES.get(0),
        OutputRole.parse("boxes=boxes:pairedWith=scores,bound=0.001"));
    Verification.Report r = Verification.run(graph, int8, ConvertOptions.defaults(), photos,
        LiteRtForTests.require(), tight);
    GraftException e = assertThrows(GraftException.class,
        () -> r.require(Verification.Bound.forPrecision(Precision.INT8, tight)));
    assertEquals(1, e.exitStatus());
    assertTrue(e.getMessage().startsWith(
        "verification failed: mean_abs_err of output boxes (boxes) is "), e.getMessage());
    assertFalse(e.getMessage().contains("top-1"), e.getMessage());
  }
}
