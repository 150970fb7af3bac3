package dev.graft.recipe;

import java.util.Locale;

/**
 * What to graft in place of a region: the student kind and its sizes. Sizes a kind does not use
 * are ignored; zero means the kind's default.
 */
public record Student(Kind kind, int hidden, int depth, int heads, int ffn, double width) {
  /** The student kinds, named as the command line names them. */
  public enum Kind {
    LINEAR,
    MLP,
    ATTENTION_FFN,
    THIN_CONV,
    SKIP;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.cliName().equals(s)) {
          return k;
        }
      }
      throw dev.graft.GraftException.badInput(
          "unknown student '%s', expected one of [linear, mlp, attention-ffn, thin-conv, skip]", s);
    }
  }

  public static Student linear() {
    return new Student(Kind.LINEAR, 0, 0, 0, 0, 0);
  }

  public static Student mlp(int hidden, int depth) {
    return new Student(Kind.MLP, hidden, depth, 0, 0, 0);
  }

  public static Student attentionFfn(int heads, int ffn) {
    return new Student(Kind.ATTENTION_FFN, 0, 0, heads, ffn, 0);
  }

  public static Student thinConv(double width) {
    return new Student(Kind.THIN_CONV, 0, 0, 0, 0, width);
  }

  public static Student skip() {
    return new Student(Kind.SKIP, 0, 0, 0, 0, 0);
  }
}
