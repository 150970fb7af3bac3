package dev.graft.replace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.train.TrainOptions;
import org.junit.jupiter.api.Test;

/**
 * The bars, measured on the committed PyTorch fixtures: calibration on the digits
 * training split (10% of it held out for early stopping), fidelity on the 397-row test split.
 */
class FixtureReplaceTest {
  private static void print(String what, FixtureRun.Outcome o) {
    ReplaceResult r = o.replaced();
    System.out.printf("%s: top-1 agreement %.4f, logits rel MSE %.4g, accuracy %.4f (teacher "
        + "%.4f), exit held-out rel MSE %.4g, %d student weights, fine-tuned logits rel MSE "
        + "%.4g -> %.4g%n", what, o.agreement(), o.test().fidelity().relMse(),
        o.test().accuracy(), o.test().referenceAccuracy(), r.heldOutRelMse(), r.studentParams(),
        r.finetuneStartRelMse(), r.finetuneHeldOutRelMse());
  }

  @Test
  void thin_conv_at_half_width_over_two_residual_blocks_keeps_top1_agreement() throws Exception {
    FixtureRun.Outcome o = FixtureRun.run("residual_cnn.onnx", "stage2.0", "stage2.1",
        new StudentSpec.ThinConv(0.5), "img", TrainOptions.defaults());
    print("thin-conv stage2.0..stage2.1", o);
    // Inner channels 32 -> 16 in both blocks; the projection shortcut and the stream keep 32:
    // c1 (16x16x9+16 and 16x32x9+16), c2 (32x16x9+32, twice), down 32x16+32.
    assertEquals((16 * 16 * 9 + 16) + (16 * 32 * 9 + 16) + 2 * (32 * 16 * 9 + 32)
        + (32 * 16 + 32), o.replaced().studentParams());
    assertTrue(o.agreement() >= 0.995, "top-1 agreement " + o.agreement());
  }

  @Test
  void finetuning_through_the_rest_of_the_model_brings_the_logits_closer() throws Exception {
    FixtureRun.Outcome o = FixtureRun.run("residual_cnn.onnx", "stage1.0", "stage1.1",
        new StudentSpec.ThinConv(0.5), "img",
        TrainOptions.defaults().withFinetuneEpochs(20));
    print("thin-conv stage1.0..stage1.1 fine-tuned", o);
    ReplaceResult r = o.replaced();
    assertTrue(r.finetuned());
    assertTrue(r.finetuneHeldOutRelMse() < 0.6 * r.finetuneStartRelMse(),
        "fine-tuning took the held-out logits rel MSE from " + r.finetuneStartRelMse() + " to "
            + r.finetuneHeldOutRelMse());
    assertTrue(o.test().fidelity().relMse() < 0.025,
        "test logits rel MSE " + o.test().fidelity().relMse());
    assertTrue(o.agreement() >= 0.98, "top-1 agreement " + o.agreement());
  }

  @Test
  void thin_conv_mirrors_mobilenetv3_blocks_and_finetunes_through_its_hard_activations()
      throws Exception {
    java.nio.file.Path fashion = dev.graft.testing.Fixtures.root().resolve("fashion");
    FixtureRun.Outcome o = FixtureRun.run(
        dev.graft.testing.Fixtures.root().resolve("modern").resolve("fm_mobilenetv3.onnx"),
        "features.5", "features.6", new StudentSpec.ThinConv(0.25),
        dev.graft.io.Npy.read(fashion.resolve("train_x.npy")),
        dev.graft.io.Npy.read(fashion.resolve("test_x.npy")),
        dev.graft.io.Npy.read(fashion.resolve("test_y.npy")).longs(),
        TrainOptions.defaults().withEpochs(1).withFinetuneEpochs(3));
    print("thin-conv fm_mobilenetv3 features.5..features.6 fine-tuned", o);
    ReplaceResult r = o.replaced();
    assertTrue(r.finetuned());
    assertTrue(r.finetuneHeldOutRelMse() < r.finetuneStartRelMse(),
        "fine-tuning took the held-out logits rel MSE from " + r.finetuneStartRelMse() + " to "
            + r.finetuneHeldOutRelMse());
    assertTrue(o.agreement() >= 0.9, "top-1 agreement " + o.agreement());
  }

  @Test
  void attention_ffn_in_place_of_three_transformer_blocks_keeps_top1_and_accuracy()
      throws Exception {
    FixtureRun.Outcome o = FixtureRun.run("transformer_encoder.onnx", "blocks.2", "blocks.4",
        new StudentSpec.AttentionFfn(4, 128), "tokens",
        TrainOptions.defaults());
    print("attention-ffn blocks.2..blocks.4", o);
    assertTrue(o.agreement() >= 0.995, "top-1 agreement " + o.agreement());
    double drop = o.test().referenceAccuracy() - o.test().accuracy();
    assertTrue(Math.abs(drop) <= 0.005, "accuracy " + o.test().accuracy() + ", teacher's "
        + o.test().referenceAccuracy());
  }

  @Test
  void attention_ffn_starts_as_the_teachers_first_block_of_the_region() throws Exception {
    // Over one block and with a learning rate too small to move the weights, the student is
    // the teacher's block 2 itself.
    FixtureRun.Outcome o = FixtureRun.run("transformer_encoder.onnx", "blocks.2", "blocks.2",
        new StudentSpec.AttentionFfn(4, 128), "tokens",
        TrainOptions.defaults().withEpochs(1).withLr(1e-12));
    assertTrue(o.replaced().heldOutRelMse() < 1e-8, "held-out rel MSE "
        + o.replaced().heldOutRelMse());
    assertEquals(1.0, o.agreement());
  }
}
