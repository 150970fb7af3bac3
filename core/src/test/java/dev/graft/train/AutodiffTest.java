package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Op;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable op against finite differences in ONNX Runtime: float64 with relative
 * tolerance 1e-6 where ORT has double kernels, float32 with tolerance 2e-2 (step 1e-2) where it
 * has only float kernels (Conv, Erf, GlobalAveragePool, HardSigmoid, HardSwish, Gelu).
 */
class AutodiffTest {
  private static final long[] BTD = {2, 3, 4};

  private static Map<String, long[]> in(Object... kv) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (long[]) kv[i + 1]);
    }
    return m;
  }

  private static Arguments c(String name, DType t, Map<String, long[]> inputs,
      Function<GraphEmitter, String> f) {
    return Arguments.of(name, t, inputs, f, false);
  }

  static Stream<Arguments> ops() {
    DType d = DType.DOUBLE;
    DType f = DType.FLOAT;
    long[] w = {4, 5};
    return Stream.of(
        c("MatMul 3-D by matrix", d, in("a", BTD, "b", w),
            e -> e.op(Op.MAT_MUL, List.of("a", "b"))),
        c("MatMul batched 4-D", d, in("a", new long[] {2, 2, 3, 4}, "b", new long[] {2, 2, 4, 3}),
            e -> e.op(Op.MAT_MUL, List.of("a", "b"))),
        c("MatMul broadcast batch", d, in("a", new long[] {2, 3, 4}, "b", new long[] {1, 4, 2}),
            e -> e.op(Op.MAT_MUL, List.of("a", "b"))),
        c("Gemm plain with bias", d, in("a", new long[] {3, 4}, "b", w, "c", new long[] {5}),
            e -> e.op(Op.GEMM, List.of("a", "b", "c"), Attribute.of("alpha", 0.5f),
                Attribute.of("beta", 2f))),
        c("Gemm transB", d, in("a", new long[] {3, 4}, "b", new long[] {5, 4}),
            e -> e.op(Op.GEMM, List.of("a", "b"), Attribute.of("transB", 1L))),
        c("Gemm transA", d, in("a", new long[] {4, 3}, "b", w),
            e -> e.op(Op.GEMM, List.of("a", "b"), Attribute.of("transA", 1L))),
        c("Gemm transA transB", d, in("a", new long[] {4, 3}, "b", new long[] {5, 4}),
            e -> e.op(Op.GEMM, List.of("a", "b"), Attribute.of("transA", 1L),
                Attribute.of("transB", 1L))),
        c("Add broadcast", d, in("a", BTD, "b", new long[] {4}),
            e -> e.op(Op.ADD, List.of("a", "b"))),
        c("Sub broadcast middle", d, in("a", BTD, "b", new long[] {2, 1, 4}),
            e -> e.op(Op.SUB, List.of("a", "b"))),
        c("Mul broadcast", d, in("a", BTD, "b", new long[] {3, 1}),
            e -> e.op(Op.MUL, List.of("a", "b"))),
        Arguments.of("Div", d, in("a", BTD, "b", BTD),
            (Function<GraphEmitter, String>) e -> e.op(Op.DIV, List.of("a", "b")), true),
        c("Relu", d, in("a", BTD), e -> e.op(Op.RELU, List.of("a"))),
        c("Sigmoid", d, in("a", BTD), e -> e.op(Op.SIGMOID, List.of("a"))),
        c("Tanh", d, in("a", BTD), e -> e.op(Op.TANH, List.of("a"))),
        c("Exp", d, in("a", BTD), e -> e.op(Op.EXP, List.of("a"))),
        Arguments.of("Sqrt Log Reciprocal", d, in("a", BTD),
            (Function<GraphEmitter, String>) e -> e.op(Op.RECIPROCAL,
                List.of(e.op(Op.ADD, List.of(e.op(Op.LOG, List.of("a")),
                    e.op(Op.SQRT, List.of("a")))))), true),
        c("Erf (GELU)", f, in("a", BTD), e -> {
          String half = e.op(Op.MUL, List.of("a", e.scalar(0.5)));
          String erf = e.op(Op.ERF, List.of(e.op(Op.MUL, List.of("a", e.scalar(0.7071)))));
          return e.op(Op.MUL, List.of(half, e.op(Op.ADD, List.of(erf, e.scalar(1.0)))));
        }),
        c("Softmax last axis", d, in("a", BTD), e -> e.op(Op.SOFTMAX, List.of("a"),
            Attribute.of("axis", -1L))),
        c("LayerNormalization", d, in("a", BTD, "s", new long[] {4}, "b", new long[] {4}),
            e -> e.op(Op.LAYER_NORMALIZATION, List.of("a", "s", "b"),
                Attribute.of("axis", -1L), Attribute.of("epsilon", 1e-5f))),
        c("LayerNormalization at opset 20 (ReduceMean's axes an input)", d,
            in("a", BTD, "s", new long[] {4}, "b", new long[] {4}), e -> {
              e.builder().opset(20);
              return e.op(Op.LAYER_NORMALIZATION, List.of("a", "s", "b"),
                  Attribute.of("axis", -1L), Attribute.of("epsilon", 1e-5f));
            }),
        c("Conv stride 2 padded with bias", f,
            in("x", new long[] {2, 3, 7, 7}, "w", new long[] {4, 3, 3, 3}, "b", new long[] {4}),
            e -> e.op(Op.CONV, List.of("x", "w", "b"), Attribute.ints("strides", 2, 2),
                Attribute.ints("pads", 1, 1, 1, 1))),
        c("Conv 1x1", f, in("x", new long[] {2, 3, 4, 4}, "w", new long[] {5, 3, 1, 1}),
            e -> e.op(Op.CONV, List.of("x", "w"))),
        c("Conv stride 2 uneven", f, in("x", new long[] {1, 2, 6, 6}, "w", new long[] {2, 2, 3, 3}),
            e -> e.op(Op.CONV, List.of("x", "w"), Attribute.ints("strides", 2, 2))),
        c("Conv depthwise stride 2 padded", f,
            in("x", new long[] {2, 3, 7, 7}, "w", new long[] {3, 1, 3, 3}, "b", new long[] {3}),
            e -> e.op(Op.CONV, List.of("x", "w", "b"), Attribute.ints("strides", 2, 2),
                Attribute.ints("pads", 1, 1, 1, 1), Attribute.of("group", 3L))),
        c("Conv depthwise uneven", f, in("x", new long[] {1, 2, 6, 6}, "w", new long[] {2, 1, 3, 3}),
            e -> e.op(Op.CONV, List.of("x", "w"), Attribute.ints("strides", 2, 2),
                Attribute.of("group", 2L))),
        c("Conv 3x3 stride 1 padded (input gradient as a Conv)", f,
            in("x", new long[] {2, 3, 6, 5}, "w", new long[] {4, 3, 3, 3}, "b", new long[] {4}),
            e -> e.op(Op.CONV, List.of("x", "w", "b"), Attribute.ints("pads", 1, 1, 1, 1))),
        c("Conv 3x2 kernel stride 1 padded at opset 9 (kernel flipped without Slice steps)", f,
            in("x", new long[] {2, 3, 6, 5}, "w", new long[] {4, 3, 3, 2}),
            e -> {
              e.builder().opset(9);
              return e.op(Op.CONV, List.of("x", "w"), Attribute.ints("pads", 1, 1, 1, 0));
            }),
        c("Conv 2x3 kernel, strides 2x1, uneven pads", f,
            in("x", new long[] {2, 3, 7, 6}, "w", new long[] {2, 3, 2, 3}),
            e -> e.op(Op.CONV, List.of("x", "w"), Attribute.ints("strides", 2, 1),
                Attribute.ints("pads", 1, 0, 0, 2))),
        c("Conv dilation 2 stride 1 padded", f,
            in("x", new long[] {1, 2, 7, 7}, "w", new long[] {3, 2, 3, 3}),
            e -> e.op(Op.CONV, List.of("x", "w"), Attribute.ints("dilations", 2, 2),
                Attribute.ints("pads", 2, 1, 2, 1))),
        c("Two convs of one input summed (shared input and gradient layouts)", f,
            in("x", new long[] {2, 3, 6, 6}, "w", new long[] {4, 3, 3, 3},
                "v", new long[] {4, 3, 1, 1}),
            e -> e.op(Op.ADD, List.of(e.op(Op.CONV, List.of("x", "w"), Attribute.ints("strides",
                2, 2), Attribute.ints("pads", 1, 1, 1, 1)), e.op(Op.CONV, List.of("x", "v"),
                Attribute.ints("strides", 2, 2))))),
        c("Conv 1x1 padded (pad past the kernel's reach)", f,
            in("x", new long[] {2, 3, 4, 4}, "w", new long[] {2, 3, 1, 1}),
            e -> e.op(Op.CONV, List.of("x", "w"), Attribute.ints("pads", 1, 1, 1, 1))),
        c("Conv 1-D stride 2", f, in("x", new long[] {2, 3, 9}, "w", new long[] {4, 3, 3}),
            e -> e.op(Op.CONV, List.of("x", "w"), Attribute.ints("strides", 2),
                Attribute.ints("pads", 1, 1))),
        c("Reshape", d, in("a", BTD), e -> e.op(Op.RESHAPE, List.of("a", e.longs(6, 4)))),
        c("Transpose", d, in("a", BTD), e -> e.op(Op.TRANSPOSE, List.of("a"),
            Attribute.ints("perm", 1, 2, 0))),
        c("ReduceMean keepdims 0", d, in("a", BTD), e -> e.op(Op.REDUCE_MEAN, List.of("a"),
            Attribute.ints("axes", 1), Attribute.of("keepdims", 0L))),
        c("ReduceSum", d, in("a", BTD), e -> e.op(Op.REDUCE_SUM, List.of("a", e.longs(0, 2)))),
        c("Concat", d, in("a", BTD, "b", new long[] {2, 3, 2}), e -> e.op(Op.CONCAT,
            List.of("a", "b"), Attribute.of("axis", -1L))),
        c("Slice", d, in("a", BTD), e -> e.op(Op.SLICE, List.of("a", e.longs(1, 1),
            e.longs(3, -1), e.longs(1, 2)))),
        c("GlobalAveragePool", f, in("x", new long[] {2, 3, 4, 5}),
            e -> e.op(Op.GLOBAL_AVERAGE_POOL, List.of("x"))),
        c("HardSigmoid", f, in("a", BTD), e -> e.op(Op.HARD_SIGMOID,
            List.of(e.op(Op.MUL, List.of("a", e.scalar(3.0)))), Attribute.of("alpha", 0.2f),
            Attribute.of("beta", 0.5f))),
        c("HardSwish", f, in("a", BTD), e -> e.op(Op.HARD_SWISH,
            List.of(e.op(Op.MUL, List.of("a", e.scalar(3.0)))))),
        c("Gelu exact (opset 20)", f, in("a", BTD), e -> {
          e.builder().opset(20);
          return e.op(Op.GELU, List.of("a"));
        }),
        c("Clip with input bounds", d, in("a", BTD), e -> e.op(Op.CLIP,
            List.of("a", e.scalar(-0.5), e.scalar(0.8)))),
        c("Where masked fill", d, in("a", BTD, "b", new long[] {4}), e -> e.op(Op.WHERE,
            List.of(e.op(Op.GREATER, List.of("a", e.scalar(0.3))), "a", "b"))),
        c("Pow square and cube", d, in("a", BTD), e -> e.op(Op.ADD, List.of(
            e.op(Op.POW, List.of("a", e.scalar(2.0))), e.op(Op.POW, List.of("a", e.scalar(3.0)))))),
        c("Expand class token", d, in("a", new long[] {1, 1, 4}), e -> e.op(Op.EXPAND,
            List.of("a", e.longs(2, 1, 1)))),
        c("Trilu upper k=1", d, in("a", new long[] {2, 4, 4}), e -> e.op(Op.TRILU,
            List.of("a", e.longScalar(1)))),
        c("Trilu lower", d, in("a", new long[] {2, 4, 4}), e -> e.op(Op.TRILU,
            List.of("a"), Attribute.of("upper", 0L))),
        c("Gather one index", d, in("a", BTD), e -> e.op(Op.GATHER,
            List.of("a", e.longScalar(-1)), Attribute.of("axis", 1L))),
        c("Split, middle part unused", d, in("a", new long[] {2, 3, 6}), e -> {
          List<String> parts = List.of(e.fresh("q"), e.fresh("k"), e.fresh("v"));
          e.builder().node(new dev.graft.graph.Node("split", Op.SPLIT,
              List.of("a", e.longs(2, 2, 2)), parts, List.of(Attribute.of("axis", -1L))));
          return e.op(Op.ADD, List.of(parts.get(0), e.op(Op.MUL, List.of(parts.get(2),
              parts.get(2)))));
        }),
        c("shared input summed", d, in("a", BTD), e -> e.op(Op.MUL, List.of("a",
            e.op(Op.TANH, List.of("a"))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void gradient_matches_finite_differences(String name, DType type, Map<String, long[]> inputs,
      Function<GraphEmitter, String> f, boolean positive) throws Exception {
    double err = GradCheck.worstError(type, inputs, f, positive);
    double tol = type == DType.DOUBLE ? 1e-6 : 2e-2;
    assertTrue(err < tol, name + ": relative error " + err + " over tolerance " + tol);
  }

  @Test
  void two_convs_of_one_input_change_its_layout_once_for_their_weight_gradients() {
    Graph.Builder b = Graph.builder().name("pair")
        .input(new ValueInfo("x", DType.FLOAT, Shape.of(2, 3, 6, 6)))
        .input(new ValueInfo("w", DType.FLOAT, Shape.of(4, 3, 3, 3)))
        .input(new ValueInfo("v", DType.FLOAT, Shape.of(4, 3, 1, 1)));
    GraphEmitter e = new GraphEmitter(b, "f/", DType.FLOAT);
    String y = e.op(Op.ADD, List.of(e.op(Op.CONV, List.of("x", "w"), Attribute.ints("pads", 1,
        1, 1, 1)), e.op(Op.CONV, List.of("x", "v"))));
    String loss = e.op(Op.REDUCE_SUM, List.of(y), Attribute.of("keepdims", 0L));
    Graph g = Autodiff.gradients(b.output(new ValueInfo(loss, DType.FLOAT, Shape.scalar()))
        .build(), loss, List.of("w", "v"));
    assertEquals(1, g.nodes().stream().filter(n -> n.op() == Op.TRANSPOSE
        && n.input(0).equals("x")).count());
  }

  @Test
  void refuses_an_operator_it_cannot_differentiate() {
    GraftException ex = assertThrows(GraftException.class, () -> GradCheck.worstError(
        DType.DOUBLE, in("a", BTD), e -> e.op(Op.ABS, List.of("a")), false));
    assertTrue(ex.getMessage().contains("cannot differentiate"), ex.getMessage());
  }
}
