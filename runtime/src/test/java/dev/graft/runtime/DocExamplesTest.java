package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in docs/bench-result.md satisfy the schema and the reader. */
class DocExamplesTest {
  @Test
  void everyJsonExampleInTheSchemaDocumentValidatesAndParses() throws IOException {
    String doc = new String(Files.readAllBytes(new File("../docs/bench-result.md").toPath()),
        StandardCharsets.UTF_8);
    List<String> examples = new ArrayList<>();
    int at = 0;
    while ((at = doc.indexOf("```json\n", at)) >= 0) {
      int end = doc.indexOf("```", at + 8);
      examples.add(doc.substring(at + 8, end));
      at = end + 3;
    }
    assertEquals(2, examples.size());
    for (String json : examples) {
      SchemaAssert.assertValid(json);
      assertEquals("2025-01-31T12:00:00Z", BenchmarkResult.fromJson(json).created());
    }
  }
}
