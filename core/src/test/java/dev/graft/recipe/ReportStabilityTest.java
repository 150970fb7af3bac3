package dev.graft.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.report.Json;
import dev.graft.report.RunReport;
import dev.graft.testing.Fixtures;
import dev.graft.tflite.Precision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report is the same bytes whether its steps ran or came from the step cache (timings aside),
 * and every browser's {@code JSON.parse} reads it: integers stay integers, infinite margins are
 * null with their reason.
 */
class ReportStabilityTest {
  @TempDir Path tmp;

  private static Recipe recipe() {
    return Recipe.builder()
        .teacher(Fixtures.model("deep_mlp.onnx"))
        .calibration(List.of(Fixtures.digits("train_x_flat.npy").toString()), 0.2)
        .step(new Step.Thin("blocks.0.0", 0.5, 8, false, new Origin("r.graft.kts", 3)))
        .step(new Step.Simplify(null, null, new Origin("r.graft.kts", 4)))
        .exportTflite(Path.of("m.tflite"), Precision.FP32)
        .build();
  }

  /** The report without its timings, as report.json holds it. */
  private static String withoutTimings(RunReport r) {
    Map<String, Object> m = r.toJson();
    m.remove("timings");
    return Json.write(m);
  }

  @Test
  void aCachedRunReportsTheSameBytesAsTheFreshRunApartFromTimings() throws Exception {
    Path out = tmp.resolve("out");
    RunResult fresh = RecipeRunner.run(recipe(), RecipeRunner.Options.in(tmp, out));
    RunResult cached = RecipeRunner.run(recipe(), RecipeRunner.Options.in(tmp, out));
    assertEquals(List.of(false, false, false),
        fresh.report().timings().steps().stream().map(RunReport.StepTiming::cached).toList());
    assertEquals(List.of(true, true, false),
        cached.report().timings().steps().stream().map(RunReport.StepTiming::cached).toList());
    String a = withoutTimings(fresh.report());
    assertEquals(a, withoutTimings(cached.report()));
    // counts are integers, as the fresh run's step sections had them (never 70922.0)
    assertTrue(java.util.regex.Pattern.compile("\"params\": \\{\n\\s+\"before\": \\d+,\n\\s+"
        + "\"after\": \\d+\n").matcher(a).find(), a);
    assertTrue(java.util.regex.Pattern.compile("\"rows\": \\d+\n").matcher(a).find(), a);
    assertTrue(a.contains("\"margin_reason\": \"not finite: Infinity\""),
        "the simplify step meets a layer without stable units: " + a);

    Path file = out.resolve("report.json");
    Json.writeFile(file, cached.report());
    String check = "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));"
        + "const d = r.steps[0].details;"
        + "console.log([Number.isInteger(r.params.teacher), Number.isInteger(d.params.after),"
        + " r.tflite[0].teacher_bytes > 0, r.timings.litert[0].result.median > 0].join(' '))";
    Process p = new ProcessBuilder("node", "-e", check, file.toString())
        .redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals("true true true true", said, "node read " + Files.readString(file));
  }

  @Test
  void reportsTfliteSizeAndLiteRtLatencyOfTeacherAndResultAtTheExportedPrecision() {
    RunResult r = RecipeRunner.run(recipe(),
        RecipeRunner.Options.in(tmp, tmp.resolve("o")).withCacheDir(null));
    RunReport.TfliteFile f = r.report().tflite().get(0);
    assertEquals("fp32", f.precision());
    assertNotNull(f.teacherBytes());
    // thinning half of the first layer's units removes weights: the file shrinks
    assertTrue(f.bytes() < f.teacherBytes(), f.toString());
    RunReport.LiteRtLatency l = r.report().timings().litert().get(0);
    assertEquals(TfliteFigures.ROUNDS * TfliteFigures.RUNS, l.runs());
    assertTrue(l.teacher().min() > 0 && l.teacher().min() <= l.teacher().median(), l.toString());
    assertTrue(l.result().min() > 0 && l.result().min() <= l.result().median(), l.toString());
    String html = dev.graft.report.HtmlReport.render(r.report(), "r.graft.kts");
    assertTrue(html.contains("<td>TFLite fp32 file size, KiB</td><td class='n'>"), html);
    assertTrue(html.contains("<td>LiteRT fp32 latency median, ms</td>"), html);
    assertTrue(html.contains("<p>LiteRT latency: 30 timed runs of each model after 3 warm-up runs;"
        + " litert-wasm (Node), batch 1,"), html);
  }

  @Test
  void saysWhyWhenLiteRtCannotMeasureInsteadOfGivingFigures() {
    RunReport.LiteRtLatency l = TfliteFigures.latency(null, tmp.resolve("absent.tflite"), "int8");
    assertEquals(null, l.result());
    assertEquals(null, l.runs());
    assertTrue(l.unavailable().startsWith("LiteRT latency not measured: LiteRT failed"),
        l.unavailable());
    assertEquals("{\n  \"precision\": \"int8\",\n  \"unavailable\": \"" + l.unavailable()
        + "\"\n}", Json.write(l));
  }
}
