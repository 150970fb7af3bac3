package dev.graft.tflite;

import dev.graft.graph.Graph;
import dev.graft.graph.ValueInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Which inputs a file takes in NHWC. With {@link IoLayout#NHWC}, a rank-4 input is NHWC when that
 * lets the writer drop layout operators: the graph is lowered with the input in ONNX's order and
 * in NHWC, and NHWC is kept when it writes fewer TRANSPOSE ops, or as many and fewer operators in
 * all (a one-channel image's layout change is a RESHAPE). An image that convolutions read, even
 * through a normalization first, is NHWC; a tensor that attention or a flatten reads in ONNX's
 * order (a KV cache, a mask) keeps it. Inputs are tried one after the other, each keeping the
 * choices made for the ones before.
 */
final class BoundaryLayout {
  private BoundaryLayout() {}

  /** The inputs to give in NHWC. */
  static Set<String> nhwcInputs(Graph prepared, ConvertOptions options) {
    Set<String> chosen = new LinkedHashSet<>();
    if (options.ioLayout() != IoLayout.NHWC) {
      return chosen;
    }
    List<String> images = prepared.inputs().stream().filter(v -> v.shape().rank() == 4)
        .map(ValueInfo::name).collect(Collectors.toList());
    if (images.isEmpty()) {
      return chosen;
    }
    // float32 lowerings: the layout operators do not depend on the precision
    ConvertOptions probe = options.withPrecision(Precision.FP32);
    long[] best = cost(new Lowering(prepared, probe, chosen).run());
    for (String input : images) {
      Set<String> trial = new LinkedHashSet<>(chosen);
      trial.add(input);
      long[] c = cost(new Lowering(prepared, probe, trial).run());
      if (c[0] < best[0] || (c[0] == best[0] && c[1] < best[1])) {
        chosen = trial;
        best = c;
      }
    }
    return chosen;
  }

  /** TRANSPOSE ops, then all operators. */
  private static long[] cost(FlatModel fm) {
    long transposes = 0;
    for (int i = 0; i < fm.operatorCount(); i++) {
      transposes += fm.builtin(i) == BuiltinOperator.TRANSPOSE ? 1 : 0;
    }
    return new long[] {transposes, fm.operatorCount()};
  }

  /**
   * The {@code graft_io_layout} metadata: {@code name=NHWC} or {@code name=ONNX} for each input,
   * then each output, separated by {@code ;}.
   */
  static String metadata(List<ConvertResult.Io> io) {
    return io.stream().map(x -> x.name() + "=" + x.layoutName())
        .collect(Collectors.joining(";"));
  }
}
