package dev.graft.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Roles inferred from real models' outputs, and the command line's role forms. */
class OutputRolesTest {
  @Test
  void aClassifiersLogitsAreClassesAndASingleValuePerRowIsRegression() {
    Graph cnn = OnnxReader.read(Fixtures.model("residual_cnn.onnx"));
    assertEquals("logits=classes:logits", OutputRoles.inferred(cnn).all().get(0).describe());
    Graph one = Graph.builder().name("one")
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 1)))
        .output(new ValueInfo("y", DType.FLOAT, Shape.of(2, 1))).build();
    assertEquals(OutputRole.Kind.REGRESSION, OutputRoles.inferred(one).get("y").kind());
  }

  @Test
  void aTokenModelsSequenceOfLogitsIsClassesPerPosition() {
    Graph llama = OnnxReader.read(Fixtures.root().resolve("modern").resolve("llama_decoder.onnx"));
    assertEquals("logits=classes:logits", OutputRoles.inferred(llama).get("logits").describe());
    Graph uf = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    assertEquals(OutputRole.Kind.SCORES, OutputRoles.inferred(uf).get("scores").kind());
  }

  @Test
  void declaredRolesReplaceInferredOnesAndAreChecked() {
    Graph uf = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    OutputRoles r = OutputRoles.of(uf, List.of(OutputRole.parse("boxes=regression")));
    assertEquals(OutputRole.Kind.REGRESSION, r.get("boxes").kind());
    assertEquals(OutputRole.Kind.SCORES, r.get("scores").kind());
    GraftException e = assertThrows(GraftException.class, () -> OutputRoles.of(uf,
        List.of(OutputRole.parse("boxes=boxes:pairedWith=boxes"))));
    assertEquals("boxes output boxes is paired with boxes, which is not a scores output of the"
        + " model (outputs: scores, boxes)", e.getMessage());
  }

  @Test
  void theCommandLineFormRoundTripsAndRefusesMistakes() {
    OutputRole s = OutputRole.parse("s=scores:threshold=0.7,logits,background=-1,bound=0.9");
    assertEquals(0.7, s.threshold(), 0);
    assertEquals("s=scores:threshold=0.7,logits,bound=0.9", s.describe());
    assertEquals(2, assertThrows(GraftException.class,
        () -> OutputRole.parse("s=score")).exitStatus());
    assertEquals("--role s=scores:treshold=0.7: unknown option 'treshold' (threshold, logits,"
        + " background, pairedWith, bound)", assertThrows(GraftException.class,
            () -> OutputRole.parse("s=scores:treshold=0.7")).getMessage());
    assertEquals("boxes output b needs the scores it is read with: boxes:pairedWith=SCORES",
        assertThrows(GraftException.class, () -> OutputRole.parse("b=boxes")).getMessage());
  }
}
