package dev.graft.recipe;

import dev.graft.replace.StudentSpec;
import dev.graft.tflite.Precision;
import java.nio.file.Path;
import java.util.List;

/**
 * One step of a recipe; each runs on the model the previous step produced. A step checks its own
 * values where it is made and names its {@link Origin} (the recipe line, or none for a command's
 * options) in the one-line error, so the DSL, the Java builder and the command line share one
 * set of rules.
 */
public sealed interface Step {
  Origin origin();

  /** A short description for progress lines and reports. */
  String describe();

  /**
   * Replace layers {@code from..to} by a fitted student ({@code epochs} 0: the trainer's default),
   * then fine-tune it through the frozen rest of the model for {@code finetune} epochs (0: not).
   * {@code sideInputs} name model inputs (masks, positions) the region may read besides its entry;
   * they are recorded and handed to the student.
   */
  record Replace(String from, String to, StudentSpec student, int epochs, int finetune,
      List<String> sideInputs, Origin origin) implements Step {
    public Replace {
      Checks.name(origin, "replace from", from);
      Checks.name(origin, "replace to", to);
      if (student == null) {
        throw Recipe.error(origin, "replace %s..%s names no student", from, to);
      }
      if (sideInputs == null) {
        sideInputs = List.of();
      }
      for (String n : sideInputs) {
        if (n == null || n.isBlank()) {
          throw Recipe.error(origin, "replace %s..%s: a side input name is empty", from, to);
        }
      }
      sideInputs = List.copyOf(sideInputs);
      if (epochs < 0 || epochs > MAX_EPOCHS || finetune < 0 || finetune > MAX_EPOCHS) {
        throw Recipe.error(origin, "epochs %d and fine-tuning epochs %d must be 0 to %d", epochs,
            finetune, MAX_EPOCHS);
      }
    }

    /** The most epochs a step trains for. */
    public static final int MAX_EPOCHS = 10_000;

    public Replace(String from, String to, StudentSpec student, int epochs, Origin origin) {
      this(from, to, student, epochs, 0, List.of(), origin);
    }

    @Override
    public String describe() {
      return "replace " + from + ".." + to + " with " + student.kind().cliName()
          + (finetune > 0 ? ", fine-tuned " + finetune + " epochs" : "");
    }
  }

  /** Keep a fraction of the channels of the layers a pattern names. */
  record Thin(String layers, double keep, int multiple, boolean magnitude, Origin origin)
      implements Step {
    public Thin {
      Checks.name(origin, "thin layers", layers);
      if (!(keep > 0 && keep <= 1)) {
        throw Recipe.error(origin, "thin keep %s must be in (0, 1]", keep);
      }
      if (multiple < 1 || multiple > MAX_MULTIPLE) {
        throw Recipe.error(origin, "thin multiple %d must be 1 to %d (channel counts are rounded"
            + " to it)", multiple, MAX_MULTIPLE);
      }
    }

    /** The largest multiple channel counts are rounded to. */
    public static final int MAX_MULTIPLE = 1024;

    @Override
    public String describe() {
      return "thin " + layers + " keep " + keep;
    }
  }

  /**
   * Factorize the layers a pattern names, by rank or by kept energy (the other is 0); data-aware
   * fits the factors to the layers' recorded inputs.
   */
  record LowRank(String layers, int rank, double energy, boolean dataAware, Origin origin)
      implements Step {
    public LowRank {
      Checks.name(origin, "lowrank layers", layers);
      if (rank < 0 || !(energy >= 0 && energy <= 1) || (rank > 0) == (energy > 0)) {
        throw Recipe.error(origin, "lowrank needs exactly one of rank (> 0) or energy (in (0, 1]),"
            + " got rank %d and energy %s", rank, energy);
      }
    }

    @Override
    public String describe() {
      return "lowrank " + layers + (rank > 0 ? " rank " + rank : " energy " + energy);
    }
  }

  /** Exact simplifications, on the calibration domain or a declared input box. */
  record Simplify(Double lo, Double hi, Origin origin) implements Step {
    public Simplify {
      if ((lo == null) != (hi == null)) {
        throw Recipe.error(origin, "an input box needs both lo and hi, got lo %s and hi %s", lo,
            hi);
      }
      if (lo != null && !(Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi)) {
        throw Recipe.error(origin, "input box lo %s, hi %s: both must be finite and lo at most hi",
            lo, hi);
      }
    }

    @Override
    public String describe() {
      return lo == null ? "simplify (calibration domain)" : "simplify (input box " + lo + ", " + hi
          + ")";
    }
  }

  /** Write the current model as ONNX. */
  record ExportOnnx(Path path, Origin origin) implements Step {
    public ExportOnnx {
      Checks.path(origin, "export onnx", path);
    }

    @Override
    public String describe() {
      return "export onnx " + path;
    }
  }

  /** Write the current model as TFLite at a precision, verified in LiteRT. */
  record ExportTflite(Path path, Precision precision, Origin origin) implements Step {
    public ExportTflite {
      Checks.path(origin, "export tflite", path);
      if (precision == null) {
        throw Recipe.error(origin, "export tflite %s names no precision", path);
      }
    }

    @Override
    public String describe() {
      return "export tflite " + path + " (" + precision.label() + ")";
    }
  }

  static boolean isExport(Step s) {
    return s instanceof ExportOnnx || s instanceof ExportTflite;
  }
}
