package dev.graft.runtime.tflite;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.lite.Delegate;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.gpu.GpuDelegate;
import org.tensorflow.lite.nnapi.NnApiDelegate;

/**
 * Applies a {@link TflitePlan} to {@code Interpreter.Options}. Delegates are made by a {@link
 * DelegateMaker}, so the mapping runs on a desktop JVM (where making a real delegate would need
 * TFLite's native library) with a stand-in maker.
 */
public final class TfliteOptions {
  /** Makes the delegate a plan asks for. */
  public interface DelegateMaker {
    /** A new delegate; the caller closes it after the interpreter. */
    Delegate make(TflitePlan.Delegate kind, boolean allowFp16);
  }

  /** Makes real {@code GpuDelegate} and {@code NnApiDelegate} objects (Android). */
  public static final DelegateMaker REAL =
      new DelegateMaker() {
        @Override
        public Delegate make(TflitePlan.Delegate kind, boolean allowFp16) {
          switch (kind) {
            case GPU:
              GpuDelegate.Options gpu = new GpuDelegate.Options();
              gpu.setPrecisionLossAllowed(allowFp16);
              return new GpuDelegate(gpu);
            case NNAPI:
              return new NnApiDelegate(new NnApiDelegate.Options().setAllowFp16(allowFp16));
            default:
              throw new IllegalArgumentException("No delegate for " + kind);
          }
        }
      };

  private final Interpreter.Options options;
  private final List<Delegate> delegates;

  private TfliteOptions(Interpreter.Options options, List<Delegate> delegates) {
    this.options = options;
    this.delegates = delegates;
  }

  /** New interpreter options set as {@code plan} says, with its delegate from {@code maker}. */
  public static TfliteOptions apply(TflitePlan plan, DelegateMaker maker) {
    Interpreter.Options o = new Interpreter.Options();
    if (plan.numThreads() > 0) {
      o.setNumThreads(plan.numThreads());
    }
    if (plan.useXnnpack() != null) {
      o.setUseXNNPACK(plan.useXnnpack());
    }
    List<Delegate> made = new ArrayList<>();
    if (plan.delegate() != TflitePlan.Delegate.NONE) {
      Delegate d = maker.make(plan.delegate(), plan.allowFp16());
      made.add(d);
      o.addDelegate(d);
    }
    return new TfliteOptions(o, made);
  }

  /** The options to construct the interpreter with. */
  public Interpreter.Options interpreterOptions() {
    return options;
  }

  /** Delegates made for these options; close them after the interpreter. */
  public List<Delegate> delegates() {
    return delegates;
  }
}
