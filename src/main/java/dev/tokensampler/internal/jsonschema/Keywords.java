package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Set;

/** Which schema keywords affect validity (all other members of a schema object are ignored). */
final class Keywords {
  private Keywords() {}

  /** Keywords of drafts 3 to 2020-12 that can make an instance invalid. */
  static final Set<String> VALIDATION = Set.of("type", "enum", "const", "properties", "required",
      "additionalProperties", "patternProperties", "propertyNames", "minProperties",
      "maxProperties", "dependencies", "dependentRequired", "dependentSchemas", "items",
      "prefixItems", "additionalItems", "contains", "minContains", "maxContains", "uniqueItems",
      "minItems", "maxItems", "unevaluatedItems", "unevaluatedProperties", "minLength",
      "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
      "exclusiveMaximum", "multipleOf", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
      "$ref", "$dynamicRef", "$recursiveRef", "divisibleBy", "disallow", "extends",
      ScalarRules.NOT_STRINGS);

  /** True if no member of {@code o} other than {@code except} can make an instance invalid. */
  static boolean onlyAnnotations(JsonObject o, String except) {
    for (String k : o.keySet()) {
      if (!k.equals(except) && VALIDATION.contains(k)) {
        return false;
      }
    }
    return true;
  }

  /** True for a schema every instance satisfies ({@code true}, or no validation keyword). */
  static boolean isTrivial(JsonElement s) {
    if (s == null) {
      return true;
    }
    if (s.isJsonPrimitive() && s.getAsJsonPrimitive().isBoolean()) {
      return s.getAsBoolean();
    }
    return s.isJsonObject() && onlyAnnotations(s.getAsJsonObject(), null);
  }

  /** True for the {@code false} schema. */
  static boolean isFalse(JsonElement s) {
    return s != null && s.isJsonPrimitive() && s.getAsJsonPrimitive().isBoolean()
        && !s.getAsBoolean();
  }

  /** The JSON pointer of member {@code key} under {@code ptr}. */
  static String child(String ptr, String key) {
    return ptr + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  /** The JSON pointer of item {@code i} of member {@code key} under {@code ptr}. */
  static String child(String ptr, String key, int i) {
    return child(ptr, key) + "/" + i;
  }
}
