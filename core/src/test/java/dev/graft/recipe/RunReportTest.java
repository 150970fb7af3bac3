package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.report.Json;
import dev.graft.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run report (report.json) says what the run did, in figures that agree with the models. */
class RunReportTest {
  @TempDir Path tmp;

  static long weights(Graph g) {
    return g.initializers().values().stream().filter(t -> t.type().isFloating())
        .mapToLong(t -> t.elementCount()).sum();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  @SuppressWarnings("unchecked")
  void paramsFidelitySplitAndStepsAgreeWithTheModelsAndTheRecipe() {
    Path teacher = Fixtures.model("deep_mlp.onnx");
    Recipe recipe = Recipe.builder()
        .teacher(teacher)
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Thin("blocks.0.0", 0.5, 8, false, new Origin("r.graft.kts", 3)))
        .build();
    RunResult r = RecipeRunner.run(recipe, RecipeRunner.Options.in(tmp, tmp.resolve("o")));
    // read as report.json holds it, whatever type the report has in Java
    Map<String, Object> report = map(dev.graft.io.Json.parse(Json.write(r.report())));

    Map<String, Object> params = map(report.get("params"));
    assertEquals(weights(OnnxReader.read(teacher)), ((Number) params.get("teacher")).longValue());
    assertEquals(70922L, ((Number) params.get("teacher")).longValue());
    assertEquals(weights(r.model()), ((Number) params.get("result")).longValue());

    Map<String, Object> split = map(report.get("calibration"));
    int samples = ((Number) split.get("samples")).intValue();
    int heldOut = ((Number) split.get("heldout")).intValue();
    assertEquals(1400, samples);
    assertEquals(280, heldOut, "0.2 of the rows are held out");
    assertEquals(samples, heldOut + ((Number) split.get("train")).intValue());

    Map<String, Object> fidelity = map(report.get("fidelity"));
    assertEquals(heldOut, ((Number) fidelity.get("samples")).intValue());
    double top1 = ((Number) fidelity.get("top1_agreement")).doubleValue();
    double relMse = ((Number) fidelity.get("rel_mse")).doubleValue();
    // measured: top-1 1.0 and rel MSE 9.4e-4 after halving the first layer
    assertTrue(top1 >= 0.97, "top-1 agreement " + top1);
    assertTrue(relMse > 0 && relMse < 1e-2, "rel MSE " + relMse);
    assertEquals(top1, ((Number) map(map(report.get("roles")).get("logits"))
        .get("top1_agreement")).doubleValue(), 0.0, "the classes role reports the same figure");

    List<Map<String, Object>> steps = (List<Map<String, Object>>) report.get("steps");
    assertEquals(1, steps.size());
    assertEquals("thin blocks.0.0 keep 0.5", steps.get(0).get("step"));
    assertEquals("r.graft.kts:3", steps.get(0).get("origin"));
    assertEquals(((Number) params.get("result")).longValue(), ((Number) map(map(steps.get(0)
        .get("details")).get("params")).get("after")).longValue());
  }
}
