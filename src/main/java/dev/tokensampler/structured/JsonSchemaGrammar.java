package dev.tokensampler.structured;

import dev.tokensampler.internal.jsonschema.SchemaCompiler;
import java.util.Objects;

/**
 * Compiles a JSON Schema into GBNF text, llama.cpp's grammar format, whose language is the
 * schema's valid instances as JSON text (or, where noted, a subset of them: never an invalid
 * instance). Needs Gson ({@code com.google.code.gson:gson}, an optional dependency of this
 * library) on the class path.
 *
 * <p><b>Drafts.</b> Draft 2020-12 and 2019-09, and the forms of drafts 4, 6 and 7 seen in practice
 * (array-form {@code items} with {@code additionalItems}, {@code definitions}, boolean
 * {@code exclusiveMinimum}/{@code exclusiveMaximum}). With a draft-04 to draft-07
 * {@code $schema}, members beside {@code $ref} are ignored, as those drafts say; otherwise they
 * apply together with the reference.
 *
 * <p><b>Supported keywords.</b> {@code type} (also arrays of types), {@code enum}, {@code const},
 * {@code properties}, {@code required}, {@code additionalProperties} (false, true or a schema),
 * {@code patternProperties} (applied to declared names; undeclared members are written only
 * under a single pattern schema, a subset of the valid objects), {@code propertyNames} (where no
 * undeclared member may appear), {@code minProperties}, {@code maxProperties},
 * {@code items}, {@code prefixItems}, {@code additionalItems}, {@code minItems},
 * {@code maxItems}, {@code uniqueItems} only with {@code maxItems <= 1}, {@code minLength},
 * {@code maxLength}, {@code pattern} (an ECMA-262 subset, unanchored unless {@code ^}/{@code $};
 * beside a length bound only as {@code ^[class]{m,n}$}), {@code format} ({@code date},
 * {@code time}, {@code date-time}, {@code uuid}, {@code email}, {@code hostname}, {@code ipv4},
 * {@code uri}, {@code uri-reference}; names that no draft defines, such as {@code int32}, are
 * ignored as validators ignore them; other draft formats are an error; beside
 * {@code minLength}/{@code maxLength} only where every string of the format meets the bounds, as
 * {@code uri} with {@code minLength: 1}), {@code minimum},
 * {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum} (numbers with bounds are
 * written without exponent and compared exactly as decimals),
 * {@code multipleOf} 1, 2, 5 or 10 (any integer with both a lower and an upper bound and at most
 * 1,024 multiples between them, written as the multiples), {@code dependencies}, {@code dependentRequired},
 * {@code dependentSchemas}, {@code not} (of a type, required names, string {@code enum}/
 * {@code const}, or {@code anyOf} of those), {@code anyOf}, {@code oneOf} (only when its branches provably
 * exclude each other: by type, {@code const}/{@code enum} values, numeric ranges, or a required
 * property that the other branch forbids or requires with a disjoint schema; otherwise an error,
 * since a union would accept instances matching two branches), {@code allOf} (merged into one
 * schema), {@code $ref} to {@code #}, JSON pointers (with {@code ~0}, {@code ~1} and
 * percent-escapes), {@code $anchor}s and the document's own {@code $id}, recursive too.
 * Annotations ({@code title}, {@code description}, {@code default}, {@code examples},
 * {@code $comment}, {@code deprecated}, {@code readOnly}, ...) and members that are not keywords
 * of any draft are ignored.
 *
 * <p><b>Errors.</b> An unsupported keyword that could make an instance invalid (other
 * {@code not}s, {@code if}/{@code then}/{@code else}, {@code contains},
 * {@code uniqueItems}, {@code unevaluatedProperties}, external {@code $ref}s, ...), a malformed
 * schema, a schema that accepts nothing, and a schema past a limit of {@link JsonSchemaOptions}
 * are an {@link IllegalArgumentException} whose message starts with the JSON pointer of the
 * offending keyword. The compiler never drops a keyword in a way that lets an invalid instance
 * through.
 *
 * <p><b>Strings.</b> Where a grammar restricts a string's characters (patterns, formats, enum
 * values, property names), each character must be written in its shortest JSON spelling (raw, or
 * {@code \"}, {@code \\}, {@code \n}, ... for characters that need escaping); other escapes such as
 * {@code \/} or <code>&#92;u0041</code> are accepted only in unconstrained strings. A <code>&#92;u</code> escape of
 * a surrogate half is not accepted in a string with a length bound (a supplementary character
 * counts as one character and must then be written raw).
 */
public final class JsonSchemaGrammar {
  private JsonSchemaGrammar() {}

  /**
   * The GBNF text for a schema with {@link JsonSchemaOptions#defaults()}.
   *
   * @param schemaJson the schema as JSON text
   * @return the grammar; its start rule is {@code root}
   * @throws NullPointerException if {@code schemaJson} is null
   * @throws IllegalArgumentException as the class documentation says
   */
  public static String toGbnf(String schemaJson) {
    return toGbnf(schemaJson, JsonSchemaOptions.defaults());
  }

  /**
   * The GBNF text for a schema.
   *
   * @param schemaJson the schema as JSON text
   * @param options whitespace policy, property order and limits
   * @return the grammar; its start rule is {@code root}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as the class documentation says
   */
  public static String toGbnf(String schemaJson, JsonSchemaOptions options) {
    Objects.requireNonNull(schemaJson, "schemaJson");
    Objects.requireNonNull(options, "options");
    return SchemaCompiler.toGbnf(schemaJson, options);
  }

  /**
   * The grammar of a schema's instances with {@link JsonSchemaOptions#defaults()}, ready for
   * {@link TokenConstraint#compile}.
   *
   * @param schemaJson the schema as JSON text
   * @return the grammar
   * @throws NullPointerException if {@code schemaJson} is null
   * @throws IllegalArgumentException as {@link #toGbnf(String, JsonSchemaOptions)}, or if the
   *     grammar exceeds {@link Grammar}'s size limits
   */
  public static Grammar compile(String schemaJson) {
    return compile(schemaJson, JsonSchemaOptions.defaults());
  }

  /**
   * The grammar of a schema's instances, ready for {@link TokenConstraint#compile}.
   *
   * @param schemaJson the schema as JSON text
   * @param options whitespace policy, property order and limits
   * @return the grammar
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #toGbnf(String, JsonSchemaOptions)}, or if the
   *     grammar exceeds {@link Grammar}'s size limits
   */
  public static Grammar compile(String schemaJson, JsonSchemaOptions options) {
    String gbnf = toGbnf(schemaJson, options);
    try {
      return Grammar.gbnf(gbnf);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("schema: its grammar was refused: " + e.getMessage(), e);
    }
  }
}
