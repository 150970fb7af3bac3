package dev.graft.report;

import java.util.List;

/**
 * The phone figures of report.html: per exported TFLite precision, the file's size and its LiteRT
 * latency (fastest and median run) against the teacher converted at the same precision, as rows of
 * the summary table and as bar charts; where LiteRT could not measure, the reason instead.
 */
final class TfliteTable {
  private TfliteTable() {}

  /** Summary rows: size, then latency min and median, per exported TFLite file. */
  static void rows(StringBuilder b, RunReport r) {
    for (int i = 0; i < r.tflite().size(); i++) {
      RunReport.TfliteFile f = r.tflite().get(i);
      RunReport.LiteRtLatency l = r.timings().litert().get(i);
      String p = "TFLite " + f.precision();
      if (f.teacherBytes() == null) {
        missing(b, p + " file size, KiB", f.teacherUnavailable(), f.bytes() / 1024.0);
      } else {
        HtmlReport.row(b, p + " file size, KiB", f.teacherBytes() / 1024.0, f.bytes() / 1024.0);
      }
      if (l.unavailable() != null) {
        b.append("<tr><td>LiteRT ").append(Svg.esc(f.precision()))
            .append(" latency, ms</td><td colspan='3' class='bad'>")
            .append(Svg.esc(l.unavailable())).append("</td></tr>");
        continue;
      }
      for (String which : List.of("min", "median")) {
        String label = "LiteRT " + f.precision() + " latency " + which + ", ms";
        double result = which.equals("min") ? l.result().min() : l.result().median();
        if (l.teacher() == null) {
          missing(b, label, "the teacher does not convert", result);
        } else {
          HtmlReport.row(b, label,
              which.equals("min") ? l.teacher().min() : l.teacher().median(), result);
        }
      }
    }
  }

  private static void missing(StringBuilder b, String label, String why, double result) {
    b.append("<tr><td>").append(Svg.esc(label)).append("</td><td>").append(Svg.esc(why))
        .append("</td><td class='n'>").append(Svg.fmt(result)).append("</td><td></td></tr>");
  }

  /** How LiteRT latency was measured, once per distinct way. */
  static void notes(StringBuilder b, RunReport r) {
    r.timings().litert().stream().filter(l -> l.runtime() != null)
        .map(l -> "LiteRT latency: " + l.runs() + " timed runs of each model after " + l.warmup()
            + " warm-up runs; " + l.runtime() + ".")
        .distinct().forEach(m -> b.append("<p>").append(Svg.esc(m)).append("</p>"));
  }

  /** Bar charts of size and latency, teacher beside result, per precision. */
  static void plots(StringBuilder b, RunReport r) {
    for (int i = 0; i < r.tflite().size(); i++) {
      RunReport.TfliteFile f = r.tflite().get(i);
      RunReport.LiteRtLatency l = r.timings().litert().get(i);
      if (f.teacherBytes() != null) {
        HtmlReport.pair(b, "TFLite " + f.precision() + " file size (KiB)",
            f.teacherBytes() / 1024.0, f.bytes() / 1024.0, "KiB");
      }
      if (l.teacher() != null && l.result() != null) {
        b.append(Svg.bars("LiteRT " + f.precision() + " latency (ms)",
            List.of("teacher", "result"), List.of("min", "median"),
            new double[][] {{l.teacher().min(), l.teacher().median()},
                {l.result().min(), l.result().median()}}, "ms"));
      }
    }
  }
}
