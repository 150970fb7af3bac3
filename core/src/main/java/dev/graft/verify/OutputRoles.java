package dev.graft.verify;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Shape;
import dev.graft.graph.ShapeInference;
import dev.graft.graph.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The role of every output of a model: those the user declared, the rest inferred from the graph.
 * Inference: a rank-3 output whose last axis is 4 and whose anchor axis matches another rank-3
 * output is {@code boxes} paired with that one, which is {@code scores}; an output made by
 * Sigmoid is {@code scores}; a rank-2 output of more than one value per row, a rank-3 output of
 * more than one value per position (a token model's [batch, sequence, vocab] logits: one class per
 * position), or one made by Softmax or LogSoftmax, is {@code classes}; anything else is
 * {@code regression}. Whether values are logits follows the producing node (Softmax and Sigmoid
 * give probabilities).
 *
 * <pre>{@code
 * OutputRoles roles = OutputRoles.of(graph, List.of(OutputRole.parse("scores=scores:threshold=0.7")));
 * }</pre>
 */
public final class OutputRoles {
  private final Map<String, OutputRole> roles;

  private OutputRoles(Map<String, OutputRole> roles) {
    this.roles = roles;
  }

  /** The roles of {@code g}'s outputs: {@code declared} ones, the others inferred. */
  public static OutputRoles of(Graph g, List<OutputRole> declared) {
    Graph shaped = shaped(g);
    Map<String, OutputRole> given = new LinkedHashMap<>();
    for (OutputRole r : declared) {
      if (!g.outputNames().contains(r.output())) {
        throw GraftException.badInput("--role %s: the model has no output %s (outputs: %s)",
            r.describe(), r.output(), String.join(", ", g.outputNames()));
      }
      given.put(r.output(), r);
    }
    Map<String, OutputRole> out = new LinkedHashMap<>();
    Map<String, OutputRole> inferred = infer(shaped);
    for (String name : g.outputNames()) {
      out.put(name, given.getOrDefault(name, inferred.get(name)));
    }
    for (OutputRole r : out.values()) {
      if (r.kind() == OutputRole.Kind.BOXES) {
        OutputRole p = out.get(r.pairedWith());
        if (p == null || p.kind() != OutputRole.Kind.SCORES) {
          throw GraftException.badInput("boxes output %s is paired with %s, which is not a scores"
              + " output of the model (outputs: %s)", r.output(), r.pairedWith(),
              String.join(", ", g.outputNames()));
        }
      }
    }
    return new OutputRoles(out);
  }

  /** Only the inferred roles. */
  public static OutputRoles inferred(Graph g) {
    return of(g, List.of());
  }

  public List<OutputRole> all() {
    return new ArrayList<>(roles.values());
  }

  public OutputRole get(String output) {
    return roles.get(output);
  }

  private static Graph shaped(Graph g) {
    try {
      return ShapeInference.infer(g);
    } catch (GraftException e) {
      return g;
    }
  }

  private static Map<String, OutputRole> infer(Graph g) {
    Map<String, OutputRole> out = new LinkedHashMap<>();
    List<ValueInfo> outputs = g.outputs();
    for (ValueInfo v : outputs) {
      String op = g.producer(v.name()).map(n -> n.op().onnxName()).orElse("");
      Shape s = v.shape();
      int rank = s == null ? -1 : s.rank();
      Optional<ValueInfo> partner = rank == 3 && last(s) == 4
          ? outputs.stream().filter(o -> o != v && o.shape() != null && o.shape().rank() == 3
              && last(o.shape()) != 4 && o.shape().dim(1).equals(s.dim(1))).findFirst()
          : Optional.empty();
      if (partner.isPresent()) {
        out.put(v.name(), OutputRole.boxes(v.name(), partner.get().name()));
        String p = partner.get().name();
        String pop = g.producer(p).map(n -> n.op().onnxName()).orElse("");
        boolean sigmoid = pop.equals("Sigmoid");
        out.put(p, OutputRole.scores(p, OutputRole.DEFAULT_THRESHOLD,
            !sigmoid && !pop.equals("Softmax"), sigmoid ? -1 : 0));
      } else if (out.containsKey(v.name())) {
        continue;
      } else if (op.equals("Sigmoid")) {
        out.put(v.name(), OutputRole.scores(v.name(), OutputRole.DEFAULT_THRESHOLD, false, -1));
      } else if ((rank == 2 && last(s) != 1) || (rank == 3 && last(s) > 1)
          || op.equals("Softmax") || op.equals("LogSoftmax")) {
        out.put(v.name(), OutputRole.classes(v.name(), !op.equals("Softmax")));
      } else {
        out.put(v.name(), OutputRole.regression(v.name()));
      }
    }
    return out;
  }

  private static long last(Shape s) {
    var d = s.dim(s.rank() - 1);
    return d.isKnown() ? d.value() : -1;
  }
}
