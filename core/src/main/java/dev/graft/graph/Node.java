package dev.graft.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of the graph: its name, operator, the names of the tensors it reads and writes,
 * its attributes, and the exporter's metadata (ONNX {@code metadata_props}, e.g. the module path
 * {@code pkg.torch.onnx.name_scopes}). An omitted optional input is the empty string, as in ONNX.
 * Immutable; the {@code with...} copies keep the metadata.
 */
public final class Node {
  private final String name;
  private final Op op;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Attribute> attributes;
  private final Map<String, String> metadata;

  public Node(
      String name, Op op, List<String> inputs, List<String> outputs, List<Attribute> attributes) {
    this(name, op, inputs, outputs, attributes, Map.of());
  }

  public Node(String name, Op op, List<String> inputs, List<String> outputs,
      List<Attribute> attributes, Map<String, String> metadata) {
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    this.name = Objects.requireNonNull(name, "name");
    this.op = Objects.requireNonNull(op, "op");
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (Attribute attr : attributes) {
      a.put(attr.name(), attr);
    }
    this.attributes = Collections.unmodifiableMap(a);
  }

  public static Node of(String name, Op op, List<String> inputs, List<String> outputs,
      Attribute... attributes) {
    return new Node(name, op, inputs, outputs, List.of(attributes));
  }

  public String name() {
    return name;
  }

  public Op op() {
    return op;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** Input i, or the empty string where it is omitted or absent. */
  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  public String output(int i) {
    return outputs.get(i);
  }

  public Map<String, Attribute> attributes() {
    return attributes;
  }

  /** The exporter's key-value metadata of this node, in file order; empty when there is none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * This node with the metadata of {@code origin}: what a rewrite gives the nodes it makes in
   * place of one, so they keep the module the exporter named.
   */
  public Node withMetadataOf(Node origin) {
    return new Node(name, op, inputs, outputs, List.copyOf(attributes.values()), origin.metadata);
  }

  public Optional<Attribute> attribute(String attrName) {
    return Optional.ofNullable(attributes.get(attrName));
  }

  public long attrLong(String attrName, long defaultValue) {
    Attribute a = attributes.get(attrName);
    return a == null ? defaultValue : a.asLong();
  }

  public float attrFloat(String attrName, float defaultValue) {
    Attribute a = attributes.get(attrName);
    return a == null ? defaultValue : a.asFloat();
  }

  public String attrString(String attrName, String defaultValue) {
    Attribute a = attributes.get(attrName);
    return a == null ? defaultValue : a.asString();
  }

  /** A list attribute, or null where absent. */
  public long[] attrLongs(String attrName) {
    Attribute a = attributes.get(attrName);
    return a == null ? null : a.asLongs();
  }

  public Node withInputs(List<String> newInputs) {
    return new Node(name, op, newInputs, outputs, List.copyOf(attributes.values()), metadata);
  }

  public Node withOutputs(List<String> newOutputs) {
    return new Node(name, op, inputs, newOutputs, List.copyOf(attributes.values()), metadata);
  }

  public Node withName(String newName) {
    return new Node(newName, op, inputs, outputs, List.copyOf(attributes.values()), metadata);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Node n
        && n.name.equals(name)
        && n.op == op
        && n.inputs.equals(inputs)
        && n.outputs.equals(outputs)
        && n.attributes.equals(attributes)
        && n.metadata.equals(metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, op, inputs, outputs);
  }

  @Override
  public String toString() {
    return name + " = " + op.onnxName() + inputs + " -> " + outputs;
  }
}
