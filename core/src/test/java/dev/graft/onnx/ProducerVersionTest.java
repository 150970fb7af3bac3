package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.graft.graph.Graph;
import dev.graft.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProducerVersionTest {
  @Test
  void writesTheProjectVersionOfThePom() throws Exception {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    Matcher m = Pattern.compile("<artifactId>graft-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(pom);
    assertTrue(m.find(), "no project version in pom.xml");
    Graph g = OnnxReader.read(Fixtures.thirdParty("mnist-8.onnx"));
    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(OnnxWriter.toBytes(g));
    assertEquals(m.group(1), model.getProducerVersion());
    assertEquals(m.group(1), OnnxWriter.GRAFT_VERSION);
  }
}
