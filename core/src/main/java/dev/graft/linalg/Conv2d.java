package dev.graft.linalg;

import dev.graft.graph.Node;

/** A direct 2-D convolution of one image in double precision, for bounds and reference checks. */
public final class Conv2d {
  final int cin;
  final int h;
  final int w;
  final int oh;
  final int ow;
  final int kh;
  final int kw;
  final int group;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  final int pt;
  final int pl;

  /** Geometry of conv node {@code n} on input [1, cin, h, w] giving output [1, ·, oh, ow]. */
  public Conv2d(Node n, int cin, int h, int w, int oh, int ow, long[] kernel) {
    this.cin = cin;
    this.h = h;
    this.w = w;
    this.oh = oh;
    this.ow = ow;
    this.kh = (int) kernel[0];
    this.kw = (int) kernel[1];
    this.group = (int) n.attrLong("group", 1);
    long[] s = n.attrLongs("strides");
    long[] d = n.attrLongs("dilations");
    long[] p = n.attrLongs("pads");
    this.sh = s == null ? 1 : (int) s[0];
    this.sw = s == null ? 1 : (int) s[1];
    this.dh = d == null ? 1 : (int) d[0];
    this.dw = d == null ? 1 : (int) d[1];
    String autoPad = n.attrString("auto_pad", "NOTSET");
    if (autoPad.startsWith("SAME")) {
      int padH = Math.max(0, (oh - 1) * sh + (kh - 1) * dh + 1 - h);
      int padW = Math.max(0, (ow - 1) * sw + (kw - 1) * dw + 1 - w);
      this.pt = autoPad.equals("SAME_UPPER") ? padH / 2 : padH - padH / 2;
      this.pl = autoPad.equals("SAME_UPPER") ? padW / 2 : padW - padW / 2;
    } else {
      this.pt = p == null ? 0 : (int) p[0];
      this.pl = p == null ? 0 : (int) p[1];
    }
  }

  /** y[o, i, j] = Σ weight[o][fan] · x[...], plus bias when given; weight is [out][cin/g·kh·kw]. */
  public double[] apply(double[] x, double[][] weight, double[] bias, boolean absWeights) {
    int out = weight.length;
    int cpg = cin / group;
    int opg = out / group;
    double[] y = new double[out * oh * ow];
    for (int o = 0; o < out; o++) {
      int g = o / opg;
      double[] wr = weight[o];
      double b = bias == null ? 0 : bias[o];
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double s = b;
          for (int c = 0; c < cpg; c++) {
            int xc = (g * cpg + c) * h * w;
            for (int a = 0; a < kh; a++) {
              int yy = i * sh - pt + a * dh;
              if (yy < 0 || yy >= h) {
                continue;
              }
              for (int bb = 0; bb < kw; bb++) {
                int xx = j * sw - pl + bb * dw;
                if (xx < 0 || xx >= w) {
                  continue;
                }
                double wv = wr[(c * kh + a) * kw + bb];
                s += (absWeights ? Math.abs(wv) : wv) * x[xc + yy * w + xx];
              }
            }
          }
          y[(o * oh + i) * ow + j] = s;
        }
      }
    }
    return y;
  }
}
