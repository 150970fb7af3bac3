package dev.graft.graph;

import static dev.graft.graph.GraphAssert.assertIdentical;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.io.DType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RewriterTest {
  /**
   * {@code Mul(x, x)} lists x twice; when a rewrite removes it as x's last reader, x's reader
   * list empties on the first mention and the second must not fail (it threw a
   * NullPointerException whenever x had no other reader at that moment).
   */
  @Test
  void removingTheLastReaderOfATensorItReadsTwiceDropsTheTensorsProducer() {
    Graph g = Graph.builder().name("square").opset(13)
        .input(new ValueInfo("a", DType.FLOAT, Shape.of(2, 3)))
        .node(Node.of("relu", Op.RELU, List.of("a"), List.of("x")))
        .node(Node.of("square", Op.MUL, List.of("x", "x"), List.of("y")))
        .node(Node.of("add", Op.ADD, List.of("y", "a"), List.of("out")))
        .output(new ValueInfo("out", DType.FLOAT, Shape.of(2, 3))).build();
    Rewriter.Rule squareOfInput = (view, n) -> n.op() == Op.MUL && n.input(0).equals("x")
        && n.input(1).equals("x")
        ? Optional.of(Rewrite.replace(n, Node.of("square_a", Op.MUL, List.of("a", "a"),
            List.of("y"))))
        : Optional.empty();
    Graph rewritten = Rewriter.toFixpoint(g, squareOfInput);
    assertEquals(List.of("square_a", "add"),
        rewritten.nodes().stream().map(Node::name).toList());
    assertIdentical(RestartLoop.toFixpoint(g, squareOfInput), rewritten, "square");
  }
}
