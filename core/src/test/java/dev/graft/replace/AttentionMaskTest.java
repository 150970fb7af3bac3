package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.region.Region;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The attention student reads an additive mask passed as a side input (the [1, 1, tokens,
 * tokens] tensor of 0 and -inf that torch's dynamo exporter computes from BERT's attention_mask):
 * a key the mask hides does not reach the other tokens. A decoder's constant causal mask inside
 * the region is copied into the student, which stays causal.
 */
class AttentionMaskTest {

  /** The student's output rows 0..2 when token 3 of x changes, with and without the mask. */
  private static double changeOfOtherRows(boolean masked) {
    Graph teacher = Teachers.tokens(4, 8, 1).toBuilder()
        .input(new ValueInfo("bias", DType.FLOAT, Shape.of(1, 1, 4, 4))).build();
    Region region = new Region("blk", "blk", 1, 4,
        List.of("/blk/MatMul", "/blk/Relu", "/blk/MatMul_1", "/blk/Add"), "pre_out", "blk_out",
        List.of("bias"));
    Student s = Students.build(new StudentSpec.AttentionFfn(2, 16), teacher, region, 3);
    float[] bias = new float[16];
    for (int q = 0; q < 4; q++) {
      bias[q * 4 + 3] = masked ? Float.NEGATIVE_INFINITY : 0f;
    }
    float[] x = Teachers.gaussian(new Random(5), 32, 1.0);
    float[] changed = x.clone();
    float[] noise = Teachers.gaussian(new Random(6), 8, 2.0);
    for (int f = 0; f < 8; f++) {
      changed[24 + f] += noise[f]; // token 3 only
    }
    float[] a;
    float[] b;
    try (OrtRunner ort = OrtRunner.open(s.graph(), Device.CPU)) {
      NdArray m = NdArray.of(bias, 1, 1, 4, 4);
      a = ort.run(Map.of("pre_out", NdArray.of(x, 1, 4, 8), "bias", m)).get("blk_out")
          .floats();
      b = ort.run(Map.of("pre_out", NdArray.of(changed, 1, 4, 8), "bias", m)).get("blk_out")
          .floats();
    }
    double worst = 0;
    for (int i = 0; i < 24; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  @Test
  void aMaskedKeyDoesNotReachTheOtherTokensOfTheAttentionStudent() {
    assertEquals(0, changeOfOtherRows(true), 1e-6);
    assertTrue(changeOfOtherRows(false) > 1e-3, "without the mask token 3 reaches the others");
  }

  @Test
  void theStudentOfALlamaLayerKeepsItsCausalMask() {
    Graph llama = dev.graft.onnx.OnnxReader.read(
        dev.graft.testing.Fixtures.thirdParty("hf_llama_tiny.onnx"));
    Region region = new dev.graft.region.RegionResolver(dev.graft.region.ModuleTree.of(llama),
        java.util.Set.of()).resolve("model.model.layers.1", "model.model.layers.1");
    Student s = Students.build(new StudentSpec.AttentionFfn(4, 64), llama, region, 3);
    float[] x = Teachers.gaussian(new Random(5), 16 * 128, 1.0);
    float[] changed = x.clone();
    float[] noise = Teachers.gaussian(new Random(6), 128, 2.0);
    for (int f = 0; f < 128; f++) {
      changed[15 * 128 + f] += noise[f]; // the last token only
    }
    float[] a;
    float[] b;
    try (OrtRunner ort = OrtRunner.open(s.graph(), Device.CPU)) {
      a = ort.run(Map.of(region.entry(), NdArray.of(x, 1, 16, 128))).get(region.exit()).floats();
      b = ort.run(Map.of(region.entry(), NdArray.of(changed, 1, 16, 128))).get(region.exit())
          .floats();
    }
    double earlier = 0;
    double last = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - b[i]);
      if (i < 15 * 128) {
        earlier = Math.max(earlier, d);
      } else {
        last = Math.max(last, d);
      }
    }
    assertEquals(0, earlier, 1e-6);
    assertTrue(last > 0.1, "the last token changes its own row");
  }
}
