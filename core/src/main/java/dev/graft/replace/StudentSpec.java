package dev.graft.replace;

import dev.graft.GraftException;
import java.util.List;
import java.util.Locale;

/**
 * Which student to graft and its sizes. {@code width} is the hidden width of {@code mlp} and the
 * channel fraction of {@code thin-conv}; {@code depth} the hidden layers of {@code mlp};
 * {@code heads} and {@code ffn} size {@code attention-ffn}; {@code activation} is {@code relu} or
 * {@code gelu}; {@code ridge} is the relative ridge penalty of {@code linear}.
 *
 * <pre>{@code
 * StudentSpec s = StudentSpec.of("attention-ffn").withHeads(4).withFfn(128);
 * }</pre>
 */
public record StudentSpec(Kind kind, double width, int depth, int heads, int ffn,
    String activation, double ridge) {

  /** The kinds of student. */
  public enum Kind {
    LINEAR("linear"),
    MLP("mlp"),
    ATTENTION_FFN("attention-ffn"),
    THIN_CONV("thin-conv"),
    SKIP("skip");

    private final String cliName;

    Kind(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }
  }

  /** Upper limits: a student is smaller than the region it replaces, never thousands deep. */
  public static final int MAX_DEPTH = 64;

  public static final int MAX_WIDTH = 1 << 16;

  public static final List<String> KINDS =
      List.of("linear", "mlp", "attention-ffn", "thin-conv", "skip");

  public StudentSpec {
    if (!activation.equals("relu") && !activation.equals("gelu")) {
      throw GraftException.badInput("unknown activation '%s', expected one of [relu, gelu]",
          activation);
    }
    if (!(width > 0) || depth < 1 || heads < 1 || ffn < 1 || !(ridge >= 0)) {
      throw GraftException.badInput("student %s needs width > 0 and depth, heads, ffn ≥ 1 "
          + "(got width %s, depth %d, heads %d, ffn %d)", kind.cliName, width, depth, heads, ffn);
    }
    if (kind == Kind.MLP && width != Math.rint(width)) {
      throw GraftException.badInput("student mlp: hidden width %s must be a whole number of units"
          + " (a channel fraction is thin-conv's width)", width);
    }
    if (width > MAX_WIDTH || (kind == Kind.THIN_CONV && width > 1) || depth > MAX_DEPTH
        || heads > MAX_WIDTH || ffn > MAX_WIDTH) {
      throw GraftException.badInput("student %s is too large: depth at most %d, width, heads and"
          + " ffn at most %d, a thin-conv width is a fraction up to 1 (got width %s, depth %d,"
          + " heads %d, ffn %d)", kind.cliName, MAX_DEPTH, MAX_WIDTH, width, depth, heads, ffn);
    }
  }

  /** Defaults per kind: mlp 256 wide, 1 hidden layer; thin-conv width 0.5; 4 heads, ffn 128. */
  public static StudentSpec of(String kind) {
    for (Kind k : Kind.values()) {
      if (k.cliName.equals(kind.toLowerCase(Locale.ROOT))) {
        double width = k == Kind.THIN_CONV ? 0.5 : 256;
        String act = k == Kind.ATTENTION_FFN ? "gelu" : "relu";
        return new StudentSpec(k, width, 1, 4, 128, act, 1e-6);
      }
    }
    throw GraftException.badInput("unknown student '%s', expected one of %s", kind, KINDS);
  }

  public StudentSpec withWidth(double v) {
    return new StudentSpec(kind, v, depth, heads, ffn, activation, ridge);
  }

  public StudentSpec withDepth(int v) {
    return new StudentSpec(kind, width, v, heads, ffn, activation, ridge);
  }

  public StudentSpec withHeads(int v) {
    return new StudentSpec(kind, width, depth, v, ffn, activation, ridge);
  }

  public StudentSpec withFfn(int v) {
    return new StudentSpec(kind, width, depth, heads, v, activation, ridge);
  }

  public StudentSpec withActivation(String v) {
    return new StudentSpec(kind, width, depth, heads, ffn, v, ridge);
  }

  public StudentSpec withRidge(double v) {
    return new StudentSpec(kind, width, depth, heads, ffn, activation, v);
  }
}
