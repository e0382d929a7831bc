package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides whether a fixed JSON value (an {@code enum} or {@code const} member, a property name)
 * satisfies the other keywords of a flat schema (no {@code $ref} or combinators). Keywords it
 * cannot decide for the value's type are an {@link IllegalArgumentException}.
 */
final class ValueCheck {
  private ValueCheck() {}

  private static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern",
      "format");
  private static final Set<String> NUMBER_KEYWORDS = Set.of("minimum", "maximum",
      "exclusiveMinimum", "exclusiveMaximum", "multipleOf");
  private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required",
      "additionalProperties", "patternProperties", "propertyNames", "minProperties",
      "maxProperties", "dependencies", "dependentRequired", "dependentSchemas",
      "unevaluatedProperties");
  private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "prefixItems",
      "additionalItems", "contains", "minContains", "maxContains", "uniqueItems", "minItems",
      "maxItems", "unevaluatedItems");

  static boolean accepts(JsonObject o, JsonElement v, String ptr) {
    JsonType t = JsonType.of(v);
    if (!JsonType.matches(JsonType.allowed(o, ptr), t)) {
      return false;
    }
    if (o.has("enum") && !inEnum(o.get("enum"), v, ptr)) {
      return false;
    }
    if (o.has("const") && !sameValue(o.get("const"), v)) {
      return false;
    }
    for (String k : o.keySet()) {
      if (!Keywords.VALIDATION.contains(k) || k.equals("type") || k.equals("enum")
          || k.equals("const")) {
        continue;
      }
      boolean relevant = STRING_KEYWORDS.contains(k) && t == JsonType.STRING
          || NUMBER_KEYWORDS.contains(k) && (t == JsonType.INTEGER || t == JsonType.NUMBER)
          || OBJECT_KEYWORDS.contains(k) && t == JsonType.OBJECT
          || ARRAY_KEYWORDS.contains(k) && t == JsonType.ARRAY;
      boolean typeSpecific = STRING_KEYWORDS.contains(k) || NUMBER_KEYWORDS.contains(k)
          || OBJECT_KEYWORDS.contains(k) || ARRAY_KEYWORDS.contains(k);
      if (typeSpecific && !relevant) {
        continue;
      }
      if (!check(o, k, v, ptr)) {
        return false;
      }
    }
    return true;
  }

  private static boolean check(JsonObject o, String k, JsonElement v, String ptr) {
    String where = Keywords.child(ptr, k);
    switch (k) {
      case "minLength":
        return v.getAsString().codePointCount(0, v.getAsString().length())
            >= Schemas.count(o, k, ptr);
      case "maxLength":
        return v.getAsString().codePointCount(0, v.getAsString().length())
            <= Schemas.count(o, k, ptr);
      case "pattern":
        try {
          return Pattern.compile(Schemas.string(o, k, ptr)).matcher(v.getAsString()).find();
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(where + ": pattern cannot be checked: "
              + e.getDescription());
        }
      case "format":
        if (!StringFormats.KNOWN.contains(Schemas.string(o, k, ptr))) {
          return true;
        }
        throw new IllegalArgumentException(where + ": format \"" + o.get(k).getAsString()
            + "\" beside enum/const or on property names is not supported");
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum": {
        JsonElement bound = o.get(k);
        if (bound.isJsonPrimitive() && bound.getAsJsonPrimitive().isBoolean()) {
          return true; // draft-04 modifier, applied with minimum/maximum
        }
        BigDecimal b = Schemas.number(o, k, ptr);
        int c = new BigDecimal(v.getAsString()).compareTo(b);
        boolean exclusive = k.startsWith("exclusive") || k.equals("minimum")
            && isTrue(o.get("exclusiveMinimum")) || k.equals("maximum")
            && isTrue(o.get("exclusiveMaximum"));
        boolean lower = k.toLowerCase().contains("min");
        return lower ? (exclusive ? c > 0 : c >= 0) : (exclusive ? c < 0 : c <= 0);
      }
      case "multipleOf": {
        BigDecimal m = Schemas.number(o, k, ptr);
        if (m.stripTrailingZeros().scale() > 0) {
          throw new IllegalArgumentException(where + ": a non-integer multipleOf is not supported"
              + " (validators divide in binary floating point)");
        }
        return new BigDecimal(v.getAsString()).remainder(m).signum() == 0;
      }
      case "uniqueItems":
        if (!isTrue(o.get(k))) {
          return true;
        }
        throw new IllegalArgumentException(where + ": uniqueItems beside enum/const is not"
            + " supported");
      default:
        throw new IllegalArgumentException(where + ": " + k + " beside enum/const or on property"
            + " names is not supported");
    }
  }

  private static boolean isTrue(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()
        && e.getAsBoolean();
  }

  static boolean inEnum(JsonElement e, JsonElement v, String ptr) {
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException(Keywords.child(ptr, "enum") + ": enum must be an array");
    }
    JsonArray a = e.getAsJsonArray();
    for (JsonElement x : a) {
      if (sameValue(x, v)) {
        return true;
      }
    }
    return false;
  }

  /** JSON equality: numbers by value, objects regardless of member order. */
  static boolean sameValue(JsonElement a, JsonElement b) {
    if (a == null || b == null) {
      return a == b;
    }
    JsonType ta = JsonType.of(a);
    JsonType tb = JsonType.of(b);
    boolean numA = ta == JsonType.INTEGER || ta == JsonType.NUMBER;
    boolean numB = tb == JsonType.INTEGER || tb == JsonType.NUMBER;
    if (numA && numB) {
      return new BigDecimal(a.getAsString()).compareTo(new BigDecimal(b.getAsString())) == 0;
    }
    if (ta != tb) {
      return false;
    }
    if (ta == JsonType.OBJECT) {
      JsonObject x = a.getAsJsonObject();
      JsonObject y = b.getAsJsonObject();
      if (x.size() != y.size()) {
        return false;
      }
      for (String k : x.keySet()) {
        if (!y.has(k) || !sameValue(x.get(k), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    if (ta == JsonType.ARRAY) {
      JsonArray x = a.getAsJsonArray();
      JsonArray y = b.getAsJsonArray();
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameValue(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }
}
