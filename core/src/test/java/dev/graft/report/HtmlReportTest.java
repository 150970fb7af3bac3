package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  private static RunReport report(List<RunReport.TfliteFile> files,
      List<RunReport.LiteRtLatency> latencies) {
    return new RunReport("0.1.0", "teacher.onnx", new RunReport.Calibration(100, 100, 80, 20), 0,
        "cpu", new RunReport.Counts(1000, 500), new RunReport.Counts(4000, 2000),
        new RunReport.Fidelity(1.0, 0.01, 1e-4, 20, "held-out calibration rows"), null, Map.of(),
        List.of(), List.of(), List.of(), List.of(), files,
        new RunReport.Timings(3.5, List.of(), new RunReport.OrtLatency(0.2, 0.1, "onnxruntime cpu"),
            latencies));
  }

  @Test
  void showsTfliteSizeAndLiteRtLatencyOfTeacherAndResultPerPrecision() {
    String html = HtmlReport.render(report(
        List.of(new RunReport.TfliteFile("int8", "m.tflite", 4096L, 1024, null)),
        List.of(new RunReport.LiteRtLatency("int8", "litert-wasm (Node)", 3, 30,
            new RunReport.Ms(2.0, 2.5), new RunReport.Ms(1.0, 1.5), null))), "m.graft.kts");
    assertTrue(html.contains("<title>Graft report: m.graft.kts</title>"), html);
    assertTrue(html.contains("<tr><td>TFLite int8 file size, KiB</td><td class='n'>4</td>"
        + "<td class='n'>1</td><td class='n'>0.25×</td></tr>"), html);
    assertTrue(html.contains("<tr><td>LiteRT int8 latency median, ms</td><td class='n'>2.500</td>"
        + "<td class='n'>1.500</td><td class='n'>0.60×</td></tr>"), html);
    assertTrue(html.contains("LiteRT latency: 30 timed runs of each model after 3 warm-up runs;"),
        html);
    assertTrue(html.contains("LiteRT int8 latency (ms)"), "a chart of the latencies: " + html);
  }

  @Test
  void saysWhyWhereLiteRtOrTheTeacherGaveNoFigures() {
    String html = HtmlReport.render(report(
        List.of(new RunReport.TfliteFile("fp16", "m.tflite", null, 2048,
            "the teacher does not convert at fp16: op X")),
        List.of(RunReport.LiteRtLatency.unavailable("fp16",
            "LiteRT latency not measured: node is not on the PATH"))));
    assertTrue(html.contains("<tr><td>TFLite fp16 file size, KiB</td><td>the teacher does not convert"
        + " at fp16: op X</td><td class='n'>2</td>"), html);
    assertTrue(html.contains("<td colspan='3' class='bad'>LiteRT latency not measured: node is not"
        + " on the PATH</td>"), html);
    assertFalse(html.contains("LiteRT fp16 latency (ms)"), "no chart without figures");
  }
}
