package dev.graft.replace;

import dev.graft.GraftException;
import java.util.List;
import java.util.Locale;

/**
 * Which student to graft, as a value: one record per kind, each with only the sizes that kind
 * has, checked when it is made (a bad size is a one-line bad-input error).
 *
 * <pre>{@code
 * StudentSpec s = new StudentSpec.AttentionFfn(4, 128);
 * StudentSpec m = new StudentSpec.Mlp(256, 2);
 * StudentSpec c = new StudentSpec.ThinConv(0.5);
 * }</pre>
 */
public sealed interface StudentSpec {
  /** The kinds of student, by the name the command line and reports use. */
  enum Kind {
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

  /** The nonlinearity of an mlp's hidden layers or an attention-ffn's feed-forward layer. */
  enum Activation {
    RELU,
    GELU;

    /** The name {@link Layers} builds by. */
    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Upper limits: a student is smaller than the region it replaces, never thousands deep. */
  int MAX_DEPTH = 64;

  int MAX_WIDTH = 1 << 16;

  List<String> KINDS = List.of("linear", "mlp", "attention-ffn", "thin-conv", "skip");

  Kind kind();

  /** A linear map fitted in closed form by ridge least squares ({@code ridge} relative). */
  record Linear(double ridge) implements StudentSpec {
    public Linear {
      if (!(ridge >= 0 && ridge < 1)) {
        throw GraftException.badInput("student linear: ridge %s must be in [0, 1)", ridge);
      }
    }

    public Linear() {
      this(1e-6);
    }

    @Override
    public Kind kind() {
      return Kind.LINEAR;
    }
  }

  /** {@code depth} hidden layers of {@code hidden} units, then a linear output layer. */
  record Mlp(int hidden, int depth, Activation activation) implements StudentSpec {
    public Mlp {
      sizes("mlp", "hidden", hidden, MAX_WIDTH);
      sizes("mlp", "depth", depth, MAX_DEPTH);
      if (activation == null) {
        throw GraftException.badInput("student mlp names no activation");
      }
    }

    public Mlp(int hidden, int depth) {
      this(hidden, depth, Activation.RELU);
    }

    @Override
    public Kind kind() {
      return Kind.MLP;
    }
  }

  /** One pre-norm attention block of {@code heads} heads and a feed-forward layer {@code ffn} wide. */
  record AttentionFfn(int heads, int ffn, Activation activation) implements StudentSpec {
    public AttentionFfn {
      sizes("attention-ffn", "heads", heads, MAX_WIDTH);
      sizes("attention-ffn", "ffn", ffn, MAX_WIDTH);
      if (activation == null) {
        throw GraftException.badInput("student attention-ffn names no activation");
      }
    }

    public AttentionFfn(int heads, int ffn) {
      this(heads, ffn, Activation.GELU);
    }

    @Override
    public Kind kind() {
      return Kind.ATTENTION_FFN;
    }
  }

  /** The region's own conv stack keeping {@code fraction} of its free channels. */
  record ThinConv(double fraction) implements StudentSpec {
    public ThinConv {
      if (!(fraction > 0 && fraction <= 1)) {
        throw GraftException.badInput("student thin-conv: channel fraction %s must be in (0, 1]",
            fraction);
      }
    }

    @Override
    public Kind kind() {
      return Kind.THIN_CONV;
    }
  }

  /** Drops the region (identity), where its entry and exit have the same shape. */
  record Skip() implements StudentSpec {
    @Override
    public Kind kind() {
      return Kind.SKIP;
    }
  }

  /**
   * A student from a kind's name and the command line's sizes, each null for the default:
   * {@code width} is an mlp's hidden units (a whole number) or a thin-conv's channel fraction,
   * {@code depth} an mlp's hidden layers, {@code heads} and {@code ffn} an attention-ffn's. A size
   * the kind does not have is refused rather than ignored.
   */
  static StudentSpec of(String kind, Double width, Integer depth, Integer heads, Integer ffn) {
    Kind k = kindOf(kind);
    List<String> extra = new java.util.ArrayList<>();
    if (width != null && k != Kind.MLP && k != Kind.THIN_CONV) {
      extra.add("width");
    }
    if (depth != null && k != Kind.MLP) {
      extra.add("depth");
    }
    if (heads != null && k != Kind.ATTENTION_FFN) {
      extra.add("heads");
    }
    if (ffn != null && k != Kind.ATTENTION_FFN) {
      extra.add("ffn");
    }
    if (!extra.isEmpty()) {
      throw GraftException.badInput("student %s has no %s", k.cliName, String.join(" or ", extra));
    }
    return switch (k) {
      case LINEAR -> new Linear();
      case MLP -> new Mlp(width == null ? 256 : wholeUnits(width), depth == null ? 1 : depth);
      case ATTENTION_FFN -> new AttentionFfn(heads == null ? 4 : heads, ffn == null ? 128 : ffn);
      case THIN_CONV -> new ThinConv(width == null ? 0.5 : width);
      case SKIP -> new Skip();
    };
  }

  /** A student of a kind with its default sizes: mlp 256 × 1, attention-ffn 4 heads and ffn 128. */
  static StudentSpec of(String kind) {
    return of(kind, null, null, null, null);
  }

  private static Kind kindOf(String kind) {
    for (Kind k : Kind.values()) {
      if (k.cliName.equals(kind.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw GraftException.badInput("unknown student '%s', expected one of %s", kind, KINDS);
  }

  private static int wholeUnits(double width) {
    if (width != Math.rint(width) || width < 1 || width > MAX_WIDTH) {
      throw GraftException.badInput("student mlp: hidden width %s must be a whole number of units"
          + " from 1 to %d (a channel fraction is thin-conv's)", width, MAX_WIDTH);
    }
    return (int) width;
  }

  private static void sizes(String kind, String what, int value, int max) {
    if (value < 1 || value > max) {
      throw GraftException.badInput("student %s: %s %d must be 1 to %d", kind, what, value, max);
    }
  }
}
