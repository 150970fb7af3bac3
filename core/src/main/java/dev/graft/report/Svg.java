package dev.graft.report;

import java.util.List;
import java.util.Locale;

/** Small inline SVG charts for the HTML report: grouped bars and line plots, no scripts. */
final class Svg {
  private static final String[] COLORS = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2"};

  private Svg() {}

  /** One bar pair per label: series values side by side, with their numbers printed. */
  static String bars(String title, List<String> labels, List<String> series, double[][] values,
      String unit) {
    int w = 560;
    int h = 260;
    int left = 60;
    int bottom = 40;
    double max = 0;
    for (double[] row : values) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    max = max == 0 ? 1 : max * 1.15;
    StringBuilder sb = header(title, w, h);
    int groups = labels.size();
    double gw = (w - left - 20.0) / groups;
    double bw = gw * 0.8 / series.size();
    for (int g = 0; g < groups; g++) {
      for (int s = 0; s < series.size(); s++) {
        double v = values[g][s];
        double bh = (h - bottom - 30) * v / max;
        double x = left + g * gw + gw * 0.1 + s * bw;
        double y = h - bottom - bh;
        sb.append(String.format(Locale.ROOT,
            "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s %s: %s</title></rect>",
            x, y, bw - 2, bh, COLORS[s % COLORS.length], esc(labels.get(g)), esc(series.get(s)),
            fmt(v)));
        sb.append(String.format(Locale.ROOT,
            "<text x='%.1f' y='%.1f' font-size='10' text-anchor='middle'>%s</text>",
            x + (bw - 2) / 2, y - 3, fmt(v)));
      }
      sb.append(String.format(Locale.ROOT,
          "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>%s</text>",
          left + g * gw + gw / 2, h - bottom + 16, esc(labels.get(g))));
    }
    axes(sb, left, h - bottom, w - 20, 30, unit);
    legend(sb, series, left + 10, 40);
    return sb.append("</svg>").toString();
  }

  /** Lines over x = 1..n, one per series, on a log scale when the values span decades. */
  static String lines(String title, List<String> series, List<double[]> ys, String xLabel) {
    int w = 560;
    int h = 260;
    int left = 60;
    int bottom = 40;
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    int n = 1;
    for (double[] y : ys) {
      n = Math.max(n, y.length);
      for (double v : y) {
        if (v > 0 && Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      lo = 1e-6;
      hi = 1;
    }
    boolean log = hi / lo > 50;
    double a = log ? Math.log10(lo) : 0;
    double b = log ? Math.log10(hi) : hi * 1.1;
    if (b <= a) {
      b = a + 1;
    }
    StringBuilder sb = header(title, w, h);
    for (int s = 0; s < ys.size(); s++) {
      double[] y = ys.get(s);
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < y.length; i++) {
        double v = log ? Math.log10(Math.max(y[i], lo)) : y[i];
        double px = left + (n == 1 ? 0 : (w - left - 20.0) * i / (n - 1));
        double py = (h - bottom) - (h - bottom - 30) * (v - a) / (b - a);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      sb.append(String.format(Locale.ROOT,
          "<polyline points='%s' fill='none' stroke='%s' stroke-width='2'/>", pts.toString().trim(),
          COLORS[s % COLORS.length]));
    }
    axes(sb, left, h - bottom, w - 20, 30, log ? "log scale" : "");
    sb.append(String.format(Locale.ROOT,
        "<text x='%d' y='%d' font-size='11' text-anchor='middle'>%s (1..%d)</text>",
        (w + left) / 2, h - 8, esc(xLabel), n));
    sb.append(String.format(Locale.ROOT,
        "<text x='%d' y='42' font-size='10'>%s</text><text x='%d' y='%d' font-size='10'>%s</text>",
        4, fmt(log ? Math.pow(10, b) : b), 4, h - bottom, fmt(log ? Math.pow(10, a) : a)));
    legend(sb, series, left + 10, 40);
    return sb.append("</svg>").toString();
  }

  private static StringBuilder header(String title, int w, int h) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg class='plot' xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0"
            + " %d %d' role='img' aria-label='%s'>", w, h, w, h, esc(title)));
    sb.append(String.format(Locale.ROOT,
        "<text x='%d' y='18' font-size='14' font-weight='bold' text-anchor='middle'>%s</text>",
        w / 2, esc(title)));
    return sb;
  }

  private static void axes(StringBuilder sb, int x0, int y0, int x1, int yTop, String unit) {
    sb.append(String.format(Locale.ROOT,
        "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/><line x1='%d' y1='%d' x2='%d'"
            + " y2='%d' stroke='#333'/>", x0, y0, x1, y0, x0, y0, x0, yTop));
    if (!unit.isEmpty()) {
      sb.append(String.format(Locale.ROOT,
          "<text x='%d' y='%d' font-size='10' transform='rotate(-90 %d %d)'>%s</text>",
          14, (y0 + yTop) / 2, 14, (y0 + yTop) / 2, esc(unit)));
    }
  }

  private static void legend(StringBuilder sb, List<String> series, int x, int y) {
    for (int s = 0; s < series.size(); s++) {
      sb.append(String.format(Locale.ROOT,
          "<rect x='%d' y='%d' width='10' height='10' fill='%s'/><text x='%d' y='%d'"
              + " font-size='11'>%s</text>", x + s * 120, y - 10, COLORS[s % COLORS.length],
          x + s * 120 + 14, y, esc(series.get(s))));
    }
  }

  static String fmt(double v) {
    double a = Math.abs(v);
    if (a >= 1e9) {
      return String.format(Locale.ROOT, "%.2fG", v / 1e9);
    }
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (a >= 1e4) {
      return String.format(Locale.ROOT, "%.1fK", v / 1e3);
    }
    if (v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.4g", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
