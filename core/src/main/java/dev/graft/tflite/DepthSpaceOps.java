package dev.graft.tflite;

import dev.graft.graph.Attribute;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.DepthToSpaceOptionsT;
import org.tensorflow.lite.schema.SpaceToDepthOptionsT;
import org.tensorflow.lite.schema.TransposeOptionsT;

/**
 * ONNX DepthToSpace and SpaceToDepth on NHWC tensors. TFLite's DEPTH_TO_SPACE and
 * SPACE_TO_DEPTH order channels as ONNX's DCR mode and SpaceToDepth do (block row, block column,
 * then channel), so those are one op each. DepthToSpace in CRD mode (PyTorch's pixel shuffle:
 * channel, then block row and column) becomes DCR when a convolution computes its input: {@link
 * #crdToDcr} reorders that convolution's output channels. Otherwise it is a RESHAPE to [N, H, W,
 * C, b, b], one TRANSPOSE to [N, H, b, W, b, C] and a RESHAPE.
 */
final class DepthSpaceOps {
  private final Lowering l;

  DepthSpaceOps(Lowering l) {
    this.l = l;
  }

  void lower(Node n) {
    int b = (int) n.attrLong("blocksize", 1);
    int in = l.ensure(n.input(0), Layout.NHWC);
    int out = l.define(n.output(0), Layout.NHWC);
    if (n.op() == Op.SPACE_TO_DEPTH) {
      SpaceToDepthOptionsT o = new SpaceToDepthOptionsT();
      o.setBlockSize(b);
      l.fm.op(BuiltinOperator.SPACE_TO_DEPTH, new int[] {in}, new int[] {out},
          BuiltinOptions.SpaceToDepthOptions, o);
    } else if (!"CRD".equals(n.attrString("mode", "DCR"))) {
      DepthToSpaceOptionsT o = new DepthToSpaceOptionsT();
      o.setBlockSize(b);
      l.fm.op(BuiltinOperator.DEPTH_TO_SPACE, new int[] {in}, new int[] {out},
          BuiltinOptions.DepthToSpaceOptions, o);
    } else {
      int[] x = l.fm.get(in).shape;
      int c = x[3] / (b * b);
      int[] split = {x[0], x[1], x[2], c, b, b};
      int t = l.fm.tensor(n.name() + "_blocks", l.fm.get(in).type, split);
      l.reshape(in, t, split);
      int[] moved = {x[0], x[1], b, x[2], b, c};
      int m = l.fm.tensor(n.name() + "_moved", l.fm.get(in).type, moved);
      l.fm.op(BuiltinOperator.TRANSPOSE,
          new int[] {t, l.fm.intVector(n.name() + "_perm", 0, 1, 4, 2, 5, 3)}, new int[] {m},
          BuiltinOptions.TransposeOptions, new TransposeOptionsT());
      l.reshape(m, out, l.fm.get(out).shape);
    }
  }

  /**
   * Rewrites each CRD DepthToSpace whose input a convolution computes (through elementwise
   * activations, each read only by the next) as DCR, with the convolution's output channels
   * reordered so that the result is the same: channel c·b² + i·b + j moves to (i·b + j)·C + c.
   */
  static Graph crdToDcr(Graph g) {
    List<Node> nodes = new ArrayList<>(g.nodes());
    Graph.Builder b = g.toBuilder();
    boolean changed = false;
    for (int k = 0; k < nodes.size(); k++) {
      Node d = nodes.get(k);
      if (d.op() != Op.DEPTH_TO_SPACE || !"CRD".equals(d.attrString("mode", "DCR"))) {
        continue;
      }
      Optional<Node> conv = convBefore(g, d.input(0));
      if (conv.isEmpty()) {
        continue;
      }
      Node c = conv.get();
      int block = (int) d.attrLong("blocksize", 1);
      List<String> ins = new ArrayList<>(c.inputs());
      for (int i = 1; i < ins.size(); i++) {
        if (ins.get(i).isEmpty()) {
          continue;
        }
        TensorData t = g.constant(ins.get(i)).orElseThrow();
        String name = ins.get(i) + "_dcr";
        b.initializer(reorder(t, name, block));
        ins.set(i, name);
      }
      nodes.set(nodes.indexOf(c), new Node(c.name(), c.op(), ins, c.outputs(),
          List.copyOf(c.attributes().values())));
      nodes.set(k, Node.of(d.name(), d.op(), d.inputs(), d.outputs(),
          Attribute.of("blocksize", (long) block), Attribute.of("mode", "DCR")));
      changed = true;
    }
    return changed ? b.nodes(nodes).pruneUnused().build() : g;
  }

  /** The group-1 Conv with constant parameters that computes {@code value}, if any. */
  private static Optional<Node> convBefore(Graph g, String value) {
    String v = value;
    while (true) {
      if (g.consumers(v).size() != 1 || g.outputNames().contains(v)) {
        return Optional.empty();
      }
      Node p = g.producer(v).orElse(null);
      if (p == null) {
        return Optional.empty();
      }
      if (p.op() == Op.CONV) {
        boolean constant = p.inputs().stream().skip(1)
            .allMatch(i -> i.isEmpty() || g.constant(i).map(t -> t.type() == DType.FLOAT)
                .orElse(false));
        return constant && p.attrLong("group", 1) == 1 ? Optional.of(p) : Optional.empty();
      }
      if (!p.op().isUnaryElementwise() || p.inputs().size() != 1) {
        return Optional.empty();
      }
      v = p.input(0);
    }
  }

  /** Weights or bias with output channels in DCR order. */
  private static TensorData reorder(TensorData t, String name, int block) {
    long[] dims = t.dims();
    int channels = (int) dims[0];
    int c = channels / (block * block);
    float[] v = t.floats();
    int inner = v.length / channels;
    float[] out = new float[v.length];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < block * block; i++) {
        int from = ch * block * block + i;
        int to = i * c + ch;
        System.arraycopy(v, from * inner, out, to * inner, inner);
      }
    }
    return TensorData.ofFloats(name, dims, out);
  }
}
