package dev.graft.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import dev.graft.data.ArraySource;
import dev.graft.data.Labels;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.exec.Device;
import dev.graft.graph.Dims;
import dev.graft.graph.Graph;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Labels per position of a token model's [batch, sequence, vocab] logits: accuracy per token,
 * against the fixture's PyTorch logits counted here.
 */
class TokenAccuracyTest {
  static final Path MODERN = Fixtures.root().resolve("modern");

  static Graph llama(long sequence) {
    return Dims.bind(OnnxReader.read(MODERN.resolve("llama_decoder.onnx")),
        Map.of("sequence", sequence));
  }

  @Test
  void perTokenLabelsGiveTheAccuracyOfEveryPosition() {
    Graph g = llama(16);
    long[] y = Labels.read(MODERN.resolve("llama_decoder.test_labels.npy"), g);
    assertEquals(256 * 16, y.length);
    NdArray ids = Npy.read(MODERN.resolve("llama_decoder.test_input_ids.npy"));
    Evaluator.Result r = Evaluator.evaluate(g, g, ArraySource.of(Map.of("input_ids", ids)), y,
        Device.CPU, 64);
    float[] torch = Npy.read(MODERN.resolve("llama_decoder.test_logits.npy")).asFloats();
    long hit = 0;
    for (int row = 0; row < y.length; row++) {
      int best = 0;
      for (int k = 1; k < 11; k++) {
        best = torch[row * 11 + k] > torch[row * 11 + best] ? k : best;
      }
      hit += best == y[row] ? 1 : 0;
    }
    // 3642 of 4096: positions 2..15 always right, positions 0 and 1 (no context) rarely
    assertEquals(3642, hit);
    assertEquals((double) hit / y.length, r.accuracy(), 1e-12);
    assertEquals(r.accuracy(), r.referenceAccuracy(), 0);
    assertEquals(256, r.samples());
  }

  @Test
  void labelsPerPositionMustMatchTheOutputsPositionsAndAreRefusedWhereOnePerSampleIsNeeded() {
    Path labels = MODERN.resolve("llama_decoder.test_labels.npy");
    GraftException e = assertThrows(GraftException.class, () -> Labels.read(labels, llama(8)));
    assertEquals(2, e.exitStatus());
    assertEquals("labels " + labels + " have 16 positions per sample; the model's output logits"
        + " has 8", e.getMessage());
    e = assertThrows(GraftException.class, () -> Labels.read(labels, llama(16), 256));
    assertEquals("labels " + labels + " must be one integer per sample, got shape [256, 16]"
        + " (labels per position are read by graft eval)", e.getMessage());
    Graph classifier = OnnxReader.read(MODERN.resolve("token_encoder.onnx"));
    e = assertThrows(GraftException.class, () -> Labels.read(labels, classifier));
    assertEquals("labels " + labels + " must be one integer per sample, got shape [256, 16]",
        e.getMessage());
  }

  /** Top-1 agreement with a teacher is per position too, not over a sample's flat logits. */
  @Test
  void agreementWithATeacherIsCountedPerPosition() {
    Graph teacher = llama(16);
    dev.graft.graph.TensorData head = teacher.initializer("onnx::MatMul_387").orElseThrow();
    float[] w = head.floats();
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < w.length; i++) {
      w[i] += (float) (rnd.nextGaussian() * 0.3);
    }
    Graph student = teacher.toBuilder()
        .initializer(dev.graft.graph.TensorData.ofFloats(head.name(), head.dims(), w)).build();
    NdArray ids = Npy.read(MODERN.resolve("llama_decoder.test_input_ids.npy"));
    ArraySource data = ArraySource.of(Map.of("input_ids", ids));
    Evaluator.Result r = Evaluator.evaluate(student, teacher, data, null, Device.CPU, 64);
    float[] a = Evaluator.runAll(student, data, Device.CPU, 64);
    float[] b = Evaluator.runAll(teacher, data, Device.CPU, 64);
    int agree = 0;
    for (int row = 0; row < a.length / 11; row++) {
      agree += argmax(a, row) == argmax(b, row) ? 1 : 0;
    }
    assertEquals((double) agree / (256 * 16), r.fidelity().top1Agreement(), 1e-12);
    assertEquals(256, r.fidelity().samples());
  }

  private static int argmax(float[] v, int row) {
    int best = 0;
    for (int k = 1; k < 11; k++) {
      best = v[row * 11 + k] > v[row * 11 + best] ? k : best;
    }
    return best;
  }
}
