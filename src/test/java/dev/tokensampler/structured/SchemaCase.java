package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiles a schema and checks instances against the grammar with the test recogniser. */
final class SchemaCase {
  final String schema;
  final String gbnf;
  final GbnfRecognizer recognizer;
  final TokenConstraint constraint;

  /** A vocabulary of the 256 single bytes (plus end-of-sequence and a special token). */
  static final dev.tokensampler.vocab.TokenVocabulary BYTES = TestVocabularies.of();

  SchemaCase(String schema, JsonSchemaOptions options) {
    this.schema = schema;
    this.gbnf = JsonSchemaGrammar.toGbnf(schema, options);
    this.recognizer = new GbnfRecognizer(gbnf);
    this.constraint = TokenConstraint.compile(JsonSchemaGrammar.compile(schema, options), BYTES);
  }

  /** Whether the grammar engine accepts the text fed byte by byte, ending in an accepting state. */
  static boolean engineAccepts(TokenConstraint constraint, String instance) {
    ConstraintMatcher m = constraint.newMatcher();
    for (byte b : instance.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int id = b & 0xFF;
      if (!m.isAllowed(id)) {
        return false;
      }
      m.accept(id);
    }
    return m.isAccepting();
  }

  static SchemaCase of(String schema) {
    return new SchemaCase(schema, JsonSchemaOptions.defaults());
  }

  /** Whether both the test recogniser and the grammar engine accept (they must agree). */
  boolean accepts(String instance) {
    boolean r = recognizer.accepts(instance);
    boolean e = engineAccepts(constraint, instance);
    if (r != e) {
      throw new AssertionError("recogniser " + r + " but engine " + e + " for " + instance
          + "\nschema: " + schema + "\n" + gbnf);
    }
    return r;
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
