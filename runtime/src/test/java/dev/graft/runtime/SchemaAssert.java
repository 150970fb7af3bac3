package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** Validates result JSON against {@code bench-result.schema.json} from the main resources. */
public final class SchemaAssert {
  private static final JsonSchema SCHEMA = load();

  private SchemaAssert() {}

  /** Fails listing every violation when {@code json} does not satisfy the schema. */
  public static void assertValid(String json) {
    Set<ValidationMessage> errors = violations(json);
    assertTrue(errors.isEmpty(), () -> "Schema violations: " + errors + "\n" + json);
  }

  public static Set<ValidationMessage> violations(String json) {
    try {
      JsonNode node = new ObjectMapper().readTree(json);
      return SCHEMA.validate(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema load() {
    try (InputStream in =
        SchemaAssert.class.getResourceAsStream("/dev/graft/runtime/bench-result.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
