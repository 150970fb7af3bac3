package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.Calibration;
import dev.graft.data.CalibrationSource;
import dev.graft.data.ImageOptions;
import dev.graft.exec.Device;
import dev.graft.exec.OrtRunner;
import dev.graft.graph.Graph;
import dev.graft.io.NdArray;
import dev.graft.onnx.OnnxReader;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-integer int8 of a third-party face detector (Ultra-Light slim-320: concatenated heads at
 * different scales, a softmax over face/background) calibrated on a real photo and checked in
 * LiteRT against ONNX Runtime on that photo and on its mirror image, which calibration never saw.
 */
class UltrafaceInt8Test {
  static final int ANCHORS = 4420;
  /** The model wants (x − 127) / 128 on 0..255 pixels: mean 127/255 and std 128/255 on [0, 1]. */
  static final ImageOptions IMAGES =
      new ImageOptions(240, 320, 3, new float[] {127f / 255}, new float[] {128f / 255});

  static Graph graph;
  static ConvertResult int8;
  static NdArray photos;
  static float[] ortScores;
  static float[] ortBoxes;
  static float[] liteScores;
  static float[] liteBoxes;

  @BeforeAll
  static void convertAndRun(@TempDir Path dir) throws IOException {
    LiteRtForTests.require();
    graph = OnnxReader.read(Fixtures.thirdParty("ultraface-slim-320.onnx"));
    Path calib = Files.createDirectories(dir.resolve("calibration"));
    Files.copy(Fixtures.thirdParty("faces.jpg"), calib.resolve("faces.jpg"));
    Path check = Files.createDirectories(dir.resolve("check"));
    Files.copy(Fixtures.thirdParty("faces.jpg"), check.resolve("a_faces.jpg"));
    ImageIO.write(mirror(ImageIO.read(Fixtures.thirdParty("faces.jpg").toFile())), "png",
        check.resolve("b_faces_mirrored.png").toFile());
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8)
        .withCalibration(images(calib, 1));
    int8 = TfliteConverter.convert(graph, o);
    photos = images(check, 2).get("input");
    // the file takes the photos channels-last
    Map<String, NdArray> lite = LiteRtForTests.require().runNamed(int8.bytes(),
        List.of(int8.io("input", true).toFile(photos)));
    liteScores = lite.get("scores").asFloats();
    liteBoxes = lite.get("boxes").asFloats();
    try (OrtRunner ort = OrtRunner.open(graph, Device.CPU)) {
      NdArray[] s = new NdArray[2];
      NdArray[] b = new NdArray[2];
      for (int r = 0; r < 2; r++) {
        Map<String, NdArray> out = ort.run(Map.of("input", photos.rows(r, 1)));
        s[r] = out.get("scores");
        b[r] = out.get("boxes");
      }
      ortScores = NdArray.concatRows(List.of(s)).asFloats();
      ortBoxes = NdArray.concatRows(List.of(b)).asFloats();
    }
  }

  static Map<String, NdArray> images(Path folder, int count) {
    try (CalibrationSource s = Calibration.open(List.of(folder.toString()), graph, IMAGES)) {
      assertEquals(count, s.size());
      return s.batch(0, count);
    }
  }

  static BufferedImage mirror(BufferedImage im) {
    BufferedImage out = new BufferedImage(im.getWidth(), im.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < im.getHeight(); y++) {
      for (int x = 0; x < im.getWidth(); x++) {
        out.setRGB(im.getWidth() - 1 - x, y, im.getRGB(x, y));
      }
    }
    return out;
  }

  @Test
  void isFullIntegerWithFloatInputAndOutputs() {
    TfliteModel m = TfliteModel.read(int8.bytes());
    assertEquals(List.of("FLOAT32"), m.inputTypes());
    assertEquals(List.of(2L * ANCHORS * 2, 2L * ANCHORS * 4),
        List.of((long) liteScores.length, (long) liteBoxes.length));
    // one DEQUANTIZE per float output and none inside: no float islands
    assertEquals(2, int8.count("DEQUANTIZE"), int8.opCounts().toString());
    // heads at their own scales are requantized to the CONCATENATIONs' output scales
    assertTrue(int8.count("QUANTIZE") > 1, int8.opCounts().toString());
  }

  @Test
  void passesTheVerificationOfGraftConvert() {
    ConvertOptions o = ConvertOptions.defaults().withPrecision(Precision.INT8);
    Verification.Report r = Verification.run(graph, int8, o, Map.of("input", photos),
        LiteRtForTests.require()).require(Verification.Bound.forPrecision(Precision.INT8));
    System.out.println("ultraface int8 verification: " + r);
  }

  @Test
  void faceOrBackgroundDecisionsAgreeOnAlmostAllAnchors() {
    int agree = 0;
    double maxErr = 0;
    for (int a = 0; a < 2 * ANCHORS; a++) {
      boolean ortFace = ortScores[2 * a + 1] > ortScores[2 * a];
      boolean liteFace = liteScores[2 * a + 1] > liteScores[2 * a];
      agree += ortFace == liteFace ? 1 : 0;
      maxErr = Math.max(maxErr, Math.abs(ortScores[2 * a + 1] - liteScores[2 * a + 1]));
    }
    double agreement = agree / (2.0 * ANCHORS);
    System.out.printf("ultraface int8: face/background agreement %.5f over %d anchors, score"
        + " max abs err %.4f, ops %s%n", agreement, 2 * ANCHORS, maxErr, int8.opCounts());
    assertTrue(agreement >= 0.998, "face/background agreement " + agreement);
    assertTrue(maxErr <= 0.15, "score max abs error " + maxErr);
  }

  @Test
  void bestFaceAnchorAndItsBoxAgreeWithOnnxRuntime() {
    for (int r = 0; r < 2; r++) {
      int ortBest = bestFace(ortScores, r);
      int liteBest = bestFace(liteScores, r);
      double ortMax = ortScores[2 * (r * ANCHORS + ortBest) + 1];
      double ortAtLite = ortScores[2 * (r * ANCHORS + liteBest) + 1];
      double boxErr = 0;
      for (int k = 0; k < 4; k++) {
        int i = 4 * (r * ANCHORS + ortBest) + k;
        boxErr = Math.max(boxErr, Math.abs(ortBoxes[i] - liteBoxes[i]));
      }
      System.out.printf("photo %d: best anchor ONNX %d (%.4f), LiteRT int8 %d (ONNX score"
          + " there %.4f), box max abs err %.4f%n", r, ortBest, ortMax, liteBest, ortAtLite,
          boxErr);
      assertTrue(ortMax - ortAtLite <= 0.01, "LiteRT's best anchor scores " + ortAtLite
          + " in ONNX Runtime against the best " + ortMax);
      // raw regressions: with variances 0.1 / 0.2, 0.3 moves a centre by 3% of the anchor's
      // size and scales a side by at most e^0.06 (6%)
      assertTrue(boxErr <= 0.3, "box error at the best anchor " + boxErr);
    }
  }

  private static int bestFace(float[] scores, int row) {
    int best = 0;
    for (int a = 1; a < ANCHORS; a++) {
      if (scores[2 * (row * ANCHORS + a) + 1] > scores[2 * (row * ANCHORS + best) + 1]) {
        best = a;
      }
    }
    return best;
  }
}
