package dev.graft.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.graft.io.NdArray;
import dev.graft.simplify.TestGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
  @Test
  void keepsItsOptionsOpenWhileTheSessionLivesAndClosesBoth() throws Exception {
    var g = TestGraphs.mlp(new int[] {3, 2}, TestGraphs.list(new float[] {1, 0, 0, 0, 1, 0}),
        TestGraphs.list(new float[] {0.5f, -0.5f}));
    Session s = Session.open(g, Device.CPU, 1);
    assertTrue(s.optionsOpen(), "options closed while the session is open");
    try (OrtSession.Result r = s.run(Map.of("x", Tensors.of(new float[] {1, 2, 3},
        new long[] {1, 3})))) {
      float[] y = Tensors.floats(r.get(0));
      assertEquals(1.5f, y[0], 1e-6f);
      assertEquals(1.5f, y[1], 1e-6f);
    }
    s.close();
    assertFalse(s.optionsOpen(), "options left open after the session closed");
  }

  @Test
  void aProfiledSessionWritesEveryNodeRunToItsProfile(@TempDir Path dir) throws Exception {
    var g = TestGraphs.mlp(new int[] {3, 2}, TestGraphs.list(new float[] {1, 0, 0, 0, 1, 0}),
        TestGraphs.list(new float[] {0.5f, -0.5f}));
    Path profile;
    try (Session s = Session.openProfiled(g, Device.CPU, 1, dir.resolve("p").toString())) {
      for (int i = 0; i < 2; i++) {
        try (OrtSession.Result r = s.run(Map.of("x", Tensors.of(new float[] {1, 2, 3},
            new long[] {1, 3})))) {
          assertEquals(1.5f, Tensors.floats(r.get(0))[0], 1e-6f);
        }
      }
      profile = Path.of(s.endProfiling());
    }
    String json = Files.readString(profile);
    assertEquals(2, json.split("\"model_run\"", -1).length - 1, json);
    assertTrue(json.contains("_kernel_time"), json);
  }

  @Test
  void runnerClosesItsSessionWithItsOptions() {
    var g = TestGraphs.mlp(new int[] {4, 2}, TestGraphs.list(TestGraphs.randn(new Random(3), 8,
        1)), TestGraphs.list(new float[2]));
    OrtRunner r = OrtRunner.open(g, Device.CPU);
    NdArray x = NdArray.of(TestGraphs.randn(new Random(4), 8, 1), 2, 4);
    assertEquals(2, r.run(Map.of("x", x)).get("y").rows());
    r.close();
  }

  /** Every session in core's main code is opened by {@link Session}: no other createSession. */
  @Test
  void sessionsAreOpenedInOnePlace() throws IOException {
    List<String> others = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String src = Files.readString(f);
        if ((src.contains(".createSession(") || src.contains("new OrtSession.SessionOptions("))
            && !f.endsWith(Path.of("dev/graft/exec/Session.java"))) {
          others.add(f.toString());
        }
      }
    }
    assertEquals(List.of(), others);
  }
}
