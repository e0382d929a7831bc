package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiles a schema and checks instances against the grammar with the test recogniser. */
final class SchemaCase {
  final String schema;
  final String gbnf;
  final GbnfRecognizer recognizer;

  SchemaCase(String schema, JsonSchemaOptions options) {
    this.schema = schema;
    this.gbnf = JsonSchemaGrammar.toGbnf(schema, options);
    this.recognizer = new GbnfRecognizer(gbnf);
  }

  static SchemaCase of(String schema) {
    return new SchemaCase(schema, JsonSchemaOptions.defaults());
  }

  boolean accepts(String instance) {
    return recognizer.accepts(instance);
  }

  SchemaCase valid(String... instances) {
    for (String s : instances) {
      assertTrue(accepts(s), () -> "should accept " + s + "\nschema: " + schema + "\n" + gbnf);
    }
    return this;
  }

  SchemaCase invalid(String... instances) {
    for (String s : instances) {
      assertFalse(accepts(s), () -> "should reject " + s + "\nschema: " + schema + "\n" + gbnf);
    }
    return this;
  }
}
