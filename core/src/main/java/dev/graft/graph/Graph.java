package dev.graft.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model: its inputs and outputs, nodes in topological order, constant tensors, known shapes of
 * intermediate tensors, opset and metadata. Immutable; change one through {@link #toBuilder()}.
 *
 * <pre>{@code
 * Graph g = OnnxReader.read(Path.of("model.onnx"));
 * Graph shaped = ShapeInference.infer(g);
 * Node producer = g.producer("x").orElseThrow();
 * }</pre>
 */
public final class Graph implements GraphView {
  private final String name;
  private final List<ValueInfo> inputs;
  private final List<ValueInfo> outputs;
  private final List<Node> nodes;
  private final Map<String, TensorData> initializers;
  private final Map<String, ValueInfo> valueInfo;
  private final int opset;
  private final Map<String, String> metadata;
  private final String producerName;

  private final Map<String, Node> producers = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Map<String, Node> nodesByName = new HashMap<>();

  private Graph(Builder b) {
    this.name = b.name;
    this.inputs = List.copyOf(b.inputs);
    this.outputs = List.copyOf(b.outputs);
    this.nodes = List.copyOf(b.nodes);
    this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(b.initializers));
    this.valueInfo = Collections.unmodifiableMap(new LinkedHashMap<>(b.valueInfo));
    this.opset = b.opset;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.producerName = b.producerName;
    for (Node n : nodes) {
      nodesByName.putIfAbsent(n.name(), n);
      for (String o : n.outputs()) {
        if (!o.isEmpty()) {
          producers.put(o, n);
        }
      }
      for (String i : n.inputs()) {
        if (!i.isEmpty()) {
          consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.inputs.addAll(inputs);
    b.outputs.addAll(outputs);
    b.nodes.addAll(nodes);
    b.initializers.putAll(initializers);
    b.valueInfo.putAll(valueInfo);
    b.opset = opset;
    b.metadata.putAll(metadata);
    b.producerName = producerName;
    return b;
  }

  public String name() {
    return name;
  }

  /** Runtime inputs (initializers excluded). */
  public List<ValueInfo> inputs() {
    return inputs;
  }

  public List<ValueInfo> outputs() {
    return outputs;
  }

  public List<String> inputNames() {
    return inputs.stream().map(ValueInfo::name).toList();
  }

  public List<String> outputNames() {
    return outputs.stream().map(ValueInfo::name).toList();
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, TensorData> initializers() {
    return initializers;
  }

  /** Known types and shapes of tensors: inputs, outputs and intermediates. */
  public Map<String, ValueInfo> valueInfo() {
    return valueInfo;
  }

  public int opset() {
    return opset;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public String producerName() {
    return producerName;
  }

  public Optional<TensorData> initializer(String tensor) {
    return Optional.ofNullable(initializers.get(tensor));
  }

  /** The node that writes a tensor; empty for inputs and initializers. */
  @Override
  public Optional<Node> producer(String tensor) {
    return Optional.ofNullable(producers.get(tensor));
  }

  /** The nodes that read a tensor, in graph order. */
  @Override
  public List<Node> consumers(String tensor) {
    return consumers.getOrDefault(tensor, List.of());
  }

  public Optional<Node> node(String nodeName) {
    return Optional.ofNullable(nodesByName.get(nodeName));
  }

  /** The type and shape of any tensor Graft knows of: input, output, initializer, intermediate. */
  @Override
  public Optional<ValueInfo> info(String tensor) {
    Optional<ValueInfo> v = declared(tensor);
    if (v.isPresent()) {
      return v;
    }
    TensorData t = initializers.get(tensor);
    return t == null ? Optional.empty() : Optional.of(new ValueInfo(tensor, t.type(), t.shape()));
  }

  /** What the graph declares of a tensor: as an input, an intermediate or an output. */
  Optional<ValueInfo> declared(String tensor) {
    for (ValueInfo v : inputs) {
      if (v.name().equals(tensor)) {
        return Optional.of(v);
      }
    }
    ValueInfo v = valueInfo.get(tensor);
    if (v != null) {
      return Optional.of(v);
    }
    for (ValueInfo o : outputs) {
      if (o.name().equals(tensor)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean isOutput(String tensor) {
    for (ValueInfo o : outputs) {
      if (o.name().equals(tensor)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean isTaken(String name) {
    return initializers.containsKey(name) || producers.containsKey(name);
  }

  /** The constant value of a tensor: an initializer or the output of a Constant node. */
  @Override
  public Optional<TensorData> constant(String tensor) {
    return Constants.lookup(initializers, producers, tensor);
  }

  public boolean isConstant(String tensor) {
    return initializers.containsKey(tensor)
        || (producers.containsKey(tensor) && producers.get(tensor).op() == Op.CONSTANT);
  }

  /** Weight elements: the total element count of floating-point initializers. */
  public long parameterCount() {
    long n = 0;
    for (TensorData t : initializers.values()) {
      if (t.type().isFloating()) {
        n += t.elementCount();
      }
    }
    return n;
  }

  /** Builds graphs; also used to edit one through {@link Graph#toBuilder()}. */
  public static final class Builder {
    private String name = "graft";
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, TensorData> initializers = new LinkedHashMap<>();
    private final Map<String, ValueInfo> valueInfo = new LinkedHashMap<>();
    private int opset = 17;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private String producerName = "graft";

    private Builder() {}

    public Builder name(String n) {
      this.name = n;
      return this;
    }

    public Builder input(ValueInfo v) {
      inputs.add(v);
      return this;
    }

    public Builder output(ValueInfo v) {
      outputs.add(v);
      return this;
    }

    public Builder inputs(List<ValueInfo> v) {
      inputs.clear();
      inputs.addAll(v);
      return this;
    }

    public Builder outputs(List<ValueInfo> v) {
      outputs.clear();
      outputs.addAll(v);
      return this;
    }

    public Builder node(Node n) {
      nodes.add(n);
      return this;
    }

    public Builder nodes(List<Node> n) {
      nodes.clear();
      nodes.addAll(n);
      return this;
    }

    public List<Node> nodes() {
      return nodes;
    }

    public Builder initializer(TensorData t) {
      initializers.put(t.name(), t);
      return this;
    }

    public Builder removeInitializer(String tensor) {
      initializers.remove(tensor);
      return this;
    }

    public Builder clearInitializers() {
      initializers.clear();
      return this;
    }

    public Map<String, TensorData> initializers() {
      return initializers;
    }

    public Builder valueInfo(ValueInfo v) {
      valueInfo.put(v.name(), v);
      return this;
    }

    public Builder clearValueInfo() {
      valueInfo.clear();
      return this;
    }

    public Builder opset(int v) {
      this.opset = v;
      return this;
    }

    /** The opset the graph declares (the rules its nodes follow). */
    public int opset() {
      return opset;
    }

    public Builder metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    public Builder producerName(String n) {
      this.producerName = n;
      return this;
    }

    /** Drops initializers and Constant nodes that nothing reads any more. */
    public Builder pruneUnused() {
      java.util.Set<String> used = new java.util.HashSet<>();
      outputs.forEach(o -> used.add(o.name()));
      boolean changed = true;
      List<Node> kept = new ArrayList<>(nodes);
      while (changed) {
        changed = false;
        used.clear();
        outputs.forEach(o -> used.add(o.name()));
        for (Node n : kept) {
          used.addAll(n.inputs());
        }
        List<Node> next = new ArrayList<>();
        for (Node n : kept) {
          if (n.outputs().stream().anyMatch(used::contains)) {
            next.add(n);
          } else {
            changed = true;
          }
        }
        kept = next;
      }
      nodes.clear();
      nodes.addAll(kept);
      initializers.keySet().retainAll(used);
      valueInfo.keySet().retainAll(used);
      return this;
    }

    public Graph build() {
      return new Graph(this);
    }
  }
}
