package dev.graft.runtime.litert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.NdArray;
import dev.graft.runtime.Backend;
import dev.graft.runtime.Backends;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.BenchmarkResult;
import dev.graft.runtime.DeviceInfo;
import dev.graft.runtime.ReferenceData;
import dev.graft.runtime.SchemaAssert;
import dev.graft.runtime.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LiteRT (wasm, through tools/litert-runner) on a real model, its outputs checked against ONNX
 * Runtime on the same network exported to ONNX. Fails, saying why, when Node.js or the runner's
 * node_modules are absent: the build installs them.
 */
@Tag("litert")
class LiteRtRealRunnerTest {
  @Test
  void ultrafaceInLiteRtMatchesOnnxRuntime() throws Exception {
    LiteRtNodeRunner runner = LiteRtNodeRunner.locate();
    String why = runner.unavailableReason();
    // the build installs the runner (npm ci in tools/litert-runner): its absence is a failure
    assertNull(why, why + "; `mvn -B verify` installs it, or run npm ci in tools/litert-runner");

    // one seeded image, NHWC for the .tflite and NCHW for the .onnx
    int h = 240;
    int w = 320;
    float[] nhwc = new float[h * w * 3];
    Random r = new Random(7);
    for (int i = 0; i < nhwc.length; i++) {
      nhwc[i] = (r.nextInt(256) - 127) / 128f;
    }
    float[] nchw = new float[nhwc.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          nchw[(c * h + y) * w + x] = nhwc[(y * w + x) * 3 + c];
        }
      }
    }
    List<NdArray> ortOut;
    try (Backend ort = Backends.create("ort")) {
      ort.load(TestModels.file("ultraface-slim-320.onnx"), BenchmarkOptions.builder().build());
      ortOut = ort.run(Collections.singletonList(
          NdArray.of(nchw, new long[] {1, 3, h, w})));
    }
    NdArray input = NdArray.of(nhwc, new long[] {1, h, w, 3});
    List<NdArray> liteOut = runner.run(TestModels.file("ultraface-slim-320.tflite"),
        Collections.singletonList(input));
    // the two converters may order the outputs differently: pair them by shape
    List<NdArray> expected = new ArrayList<>();
    for (NdArray o : liteOut) {
      for (NdArray e : ortOut) {
        if (Arrays.equals(o.shape(), e.shape())) {
          expected.add(e);
        }
      }
    }
    assertEquals(liteOut.size(), expected.size(), "outputs pair up by shape");

    BenchmarkResult result = runner.bench(TestModels.file("ultraface-slim-320.tflite"),
        ReferenceData.of(Collections.singletonList(input), expected),
        BenchmarkOptions.builder().warmup(1).runs(3).atol(1e-3).rtol(1e-3).build(),
        DeviceInfo.fromSystem());
    assertTrue(result.passed(), result.toJson());
    assertEquals(3, result.stats().count());
    SchemaAssert.assertValid(result.toJson());
  }
}
