package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.region.Region;
import dev.graft.train.TrainOptions;
import dev.graft.train.TrainingData;
import org.junit.jupiter.api.Test;

/**
 * The linear student reaches the least-squares optimum: its training relative MSE, evaluated in
 * ONNX Runtime, equals that of a direct Householder-QR solve in float64 to 1e-4 relative.
 */
class LinearFitTest {
  @Test
  void per_token_linear_matches_a_direct_least_squares_solve() {
    Graph teacher = Teachers.tokens(4, 6, 1);
    Region region = Teachers.tokensRegion();
    TrainingData data = Teachers.record(teacher, region, 300, 2);
    ReplaceResult r = Replacer.replace(teacher, region, new StudentSpec.Linear(0),
        data, TrainOptions.defaults());
    double direct = DirectSolve.relMse(data, 6, 6, 4, 1, 6, 1, 6);
    assertEquals(direct, r.trainRelMse(), 1e-4 * direct);
    assertEquals((6 + 1) * 6, r.studentParams());
  }

  @Test
  void per_pixel_linear_matches_a_direct_least_squares_solve() {
    Graph teacher = Teachers.convs(3, 4, 1);
    Region region = Teachers.convRegion();
    TrainingData data = Teachers.record(teacher, region, 200, 3);
    ReplaceResult r = Replacer.replace(teacher, region, new StudentSpec.Linear(0),
        data, TrainOptions.defaults());
    double direct = DirectSolve.relMse(data, 3, 3, 16, 16, 1, 16, 1);
    assertEquals(direct, r.trainRelMse(), 1e-4 * direct);
    NdArray out = Teachers.run(r.graph(), NdArray.of(new float[2 * 16], 2, 1, 4, 4));
    assertEquals(2 * 2 * 16, out.size());
  }
}
