package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.graph.Node;
import dev.graft.graph.Op;
import dev.graft.graph.TensorData;
import dev.graft.graph.ValueInfo;
import dev.graft.io.AtomicFiles;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.onnx.OnnxReader;
import dev.graft.onnx.TensorFiles;
import dev.graft.testing.Fixtures;
import dev.graft.testing.LiteRtForTests;
import dev.graft.testing.OnnxNodeTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX's own backend node tests (Debian's libonnx-testdata) for every operator Graft claims to
 * write: each model is converted, run in LiteRT on the test's inputs and compared with the test's
 * expected outputs to 1e-4 (relative to magnitudes above 1). Integer inputs (shapes, axes,
 * indices, pads) and scalar inputs are bound to the test's values as constants, since TFLite
 * needs them static; integer data (what Trilu masks, comparisons and Where select, what
 * GatherND and GatherElements read) is fed as int32. Writes the table of results to {@code docs/tflite-ops.md}.
 */
class OnnxNodeConformanceTest {
  static final double TOLERANCE = 1e-4;

  @TempDir Path work;

  /** One backend test and what became of it. */
  record Case(String test, String ops, Path dir, String status, String detail) {}

  @Test
  void claimedOperatorsMatchOnnxBackendTestData() throws IOException {
    List<Path> dirs = OnnxNodeTests.folders();
    LiteRt liteRt = LiteRtForTests.require();
    List<Case> cases = new ArrayList<>();
    List<Map<String, Object>> jobs = new ArrayList<>();
    List<Integer> jobCase = new ArrayList<>();
    for (Path dir : dirs) {
      Graph g;
      try {
        g = OnnxReader.read(dir.resolve("model.onnx"));
      } catch (GraftException e) {
        continue; // an operator outside Graft's IR: not claimed
      }
      Set<String> ops = new LinkedHashSet<>();
      boolean claimed = true;
      for (Node n : g.nodes()) {
        if (n.op() != Op.CONSTANT) {
          ops.add(n.op().onnxName());
          claimed &= Ops.SUPPORTED.contains(n.op());
        }
      }
      if (!claimed || ops.isEmpty()) {
        continue;
      }
      String name = dir.getFileName().toString();
      String opText = String.join("+", ops);
      Path caseDir = work.resolve(name);
      try {
        List<NdArray> inputs = new ArrayList<>();
        Graph bound = bindConstants(g, dir.resolve("test_data_set_0"), inputs);
        // ONNX's axis order at the boundary: the runner is fed and compared with ONNX's data
        ConvertResult r = TfliteConverter.convert(bound,
            ConvertOptions.defaults().withIoLayout(IoLayout.NCHW));
        Files.createDirectories(caseDir);
        r.write(caseDir.resolve("model.tflite"));
        List<String> files = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
          Path f = caseDir.resolve("input_" + i + ".npy");
          Npy.write(f, inputs.get(i));
          files.add(f.toString());
        }
        jobs.add(Map.of("model", caseDir.resolve("model.tflite").toString(), "inputs", files,
            "out", caseDir.resolve("out").toString()));
        jobCase.add(cases.size());
        cases.add(new Case(name, opText, dir, "pending", ""));
      } catch (GraftException e) {
        cases.add(new Case(name, opText, dir, "refused", e.getMessage()));
      }
    }
    Path jobsFile = work.resolve("jobs.json");
    Files.writeString(jobsFile, toJson(jobs));
    List<Map<String, Object>> answers = liteRt.runJobs(jobsFile);
    assertEquals(jobs.size(), answers.size(), "one answer per job");
    for (Map<String, Object> a : answers) {
      int k = ((Number) a.get("job")).intValue();
      Case c = cases.get(jobCase.get(k));
      String status;
      String detail;
      if (a.get("error") != null) {
        status = "failed";
        detail = "LiteRT: " + a.get("error");
      } else {
        String mismatch = compare(c.dir().resolve("test_data_set_0"), (List<?>) a.get("outputs"));
        status = mismatch == null ? "passed" : "failed";
        detail = mismatch == null ? "" : mismatch;
      }
      cases.set(jobCase.get(k), new Case(c.test(), c.ops(), c.dir(), status, detail));
    }
    writeTable(cases);
    List<Case> failed = cases.stream().filter(c -> c.status().equals("failed")).toList();
    long passed = cases.stream().filter(c -> c.status().equals("passed")).count();
    System.out.printf("ONNX node tests: %d passed, %d refused, %d failed%n", passed,
        cases.size() - passed - failed.size(), failed.size());
    failed.forEach(c -> System.out.println("  FAILED " + c.test() + ": " + c.detail()));
    assertTrue(passed >= 100, "only " + passed + " node tests passed");
    assertTrue(failed.isEmpty(), failed.size() + " converted node tests do not match: "
        + failed.stream().map(Case::test).toList());
  }

  /** Operators whose inputs after the first are weights or parameters in a TFLite model. */
  static final Set<Op> PARAMETERS = Set.of(Op.CONV, Op.GEMM, Op.BATCH_NORMALIZATION,
      Op.LAYER_NORMALIZATION, Op.RESIZE, Op.CLIP, Op.PAD);

  /**
   * Integer and scalar inputs, and weights and parameters of the operators above, become
   * initializers; the other inputs are returned in order.
   */
  static Graph bindConstants(Graph g, Path data, List<NdArray> runtime) {
    Graph.Builder b = g.toBuilder();
    List<ValueInfo> kept = new ArrayList<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      ValueInfo v = g.inputs().get(i);
      TensorData t = TensorFiles.read(data.resolve("input_" + i + ".pb")).withName(v.name());
      boolean parameter = g.consumers(v.name()).stream().anyMatch(
          n -> PARAMETERS.contains(n.op()) && !n.input(0).equals(v.name()));
      boolean integral = t.type() == DType.INT64 || t.type() == DType.INT32;
      if (integral && t.rank() > 0 && integerData(g, v.name())) {
        kept.add(new ValueInfo(v.name(), DType.INT32, t.shape()));
        long[] l = t.longs();
        int[] i32 = new int[l.length];
        for (int k = 0; k < l.length; k++) {
          i32[k] = Math.toIntExact(l[k]);
        }
        runtime.add(NdArray.ofInts(i32, t.dims()));
      } else if (t.type() != DType.FLOAT || t.rank() == 0 || parameter) {
        b.initializer(t);
      } else {
        kept.add(v.withShape(t.shape()));
        runtime.add(NdArray.of(t.floats(), t.dims()));
      }
    }
    return b.inputs(kept).build();
  }

  /**
   * True for an integer input that is data rather than a parameter: the tensor a Trilu masks, an
   * operand of a comparison, a branch of a Where, or what a GatherND or GatherElements reads. It is fed as int32, as TFLite holds it.
   */
  static boolean integerData(Graph g, String input) {
    List<Node> c = g.consumers(input);
    return !c.isEmpty() && c.stream().allMatch(n -> switch (n.op()) {
      case TRILU -> n.input(0).equals(input) && !n.input(1).equals(input);
      case EQUAL, LESS, GREATER -> true;
      case WHERE -> !n.input(0).equals(input);
      case GATHER_ND, GATHER_ELEMENTS -> n.input(0).equals(input);
      default -> false;
    });
  }

  private static String compare(Path data, List<?> outputs) {
    for (int i = 0; i < outputs.size(); i++) {
      TensorData want = TensorFiles.read(data.resolve("output_" + i + ".pb"));
      NdArray got;
      try {
        got = Npy.readAsStored(Path.of((String) ((Map<?, ?>) outputs.get(i)).get("path")));
      } catch (GraftException e) {
        return "output " + i + ": " + e.getMessage();
      }
      float[] w = want.floats();
      float[] h = got.asFloats();
      if (w.length != h.length) {
        return "output " + i + " has " + h.length + " values, expected " + w.length;
      }
      double worst = 0;
      for (int k = 0; k < w.length; k++) {
        double err = Math.abs(w[k] - h[k]) / Math.max(1.0, Math.abs(w[k]));
        if (Float.isNaN(w[k]) != Float.isNaN(h[k])) {
          err = Double.POSITIVE_INFINITY;
        }
        worst = Math.max(worst, err);
      }
      if (worst > TOLERANCE) {
        return String.format("output %d differs by %.3g", i, worst);
      }
    }
    return null;
  }

  private static void writeTable(List<Case> cases) {
    Map<String, int[]> byOp = new TreeMap<>();
    for (Case c : cases) {
      int[] n = byOp.computeIfAbsent(c.ops(), k -> new int[3]);
      n[c.status().equals("passed") ? 0 : c.status().equals("refused") ? 1 : 2]++;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# TFLite operator conformance\n\n");
    sb.append("Generated by `OnnxNodeConformanceTest` (core) from ONNX's backend node tests in"
        + " Debian's `libonnx-testdata`: every test whose operators Graft claims is converted to"
        + " TFLite (fp32), run in LiteRT (WebAssembly) and compared with the expected outputs to"
        + " 1e-4 (relative above magnitude 1). Integer and scalar inputs (except integer data:"
        + " what Trilu masks, comparisons compare, Where selects and GatherND and GatherElements"
        + " read, fed as int32), and the"
        + " weights and"
        + " parameters of Conv, Gemm, BatchNormalization, LayerNormalization, Resize, Clip and"
        + " Pad, are bound to the test's values as constants, as TFLite needs them static."
        + " *Refused* means the converter rejects that variant with a one-line error (listed"
        + " below); *failed* means it converted but did not match.\n\n");
    sb.append("| operators | passed | refused | failed |\n|---|---|---|---|\n");
    byOp.forEach((op, n) -> sb.append("| ").append(op).append(" | ").append(n[0]).append(" | ")
        .append(n[1]).append(" | ").append(n[2]).append(" |\n"));
    sb.append("\n## Tests by name\n\n| test | operators | status | detail |\n|---|---|---|---|\n");
    for (Case c : cases) {
      sb.append("| ").append(c.test()).append(" | ").append(c.ops()).append(" | ")
          .append(c.status()).append(" | ").append(c.detail().replace("|", "\\|"))
          .append(" |\n");
    }
    Path docs = Fixtures.root().getParent().resolve("docs").resolve("tflite-ops.md");
    AtomicFiles.writeString(docs, sb.toString());
  }

  private static String toJson(List<Map<String, Object>> jobs) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < jobs.size(); i++) {
      Map<String, Object> j = jobs.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"model\":").append(str((String) j.get("model")))
          .append(",\"inputs\":[");
      List<?> in = (List<?>) j.get("inputs");
      for (int k = 0; k < in.size(); k++) {
        sb.append(k == 0 ? "" : ",").append(str((String) in.get(k)));
      }
      sb.append("],\"out\":").append(str((String) j.get("out"))).append("}");
    }
    return sb.append("]").toString();
  }

  private static String str(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
