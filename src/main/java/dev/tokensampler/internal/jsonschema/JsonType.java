package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;

/** The seven JSON Schema instance types. */
enum JsonType {
  NULL("null"), BOOLEAN("boolean"), INTEGER("integer"), NUMBER("number"), STRING("string"),
  ARRAY("array"), OBJECT("object");

  final String keyword;

  JsonType(String keyword) {
    this.keyword = keyword;
  }

  static JsonType named(String name, String ptr) {
    for (JsonType t : values()) {
      if (t.keyword.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(ptr + ": unknown type \"" + name + "\"");
  }

  /** The types a schema's {@code type} keyword allows (all when absent). */
  static Set<JsonType> allowed(JsonObject o, String ptr) {
    JsonElement t = o.get("type");
    if (t == null) {
      return EnumSet.allOf(JsonType.class);
    }
    EnumSet<JsonType> set = EnumSet.noneOf(JsonType.class);
    if (t.isJsonPrimitive() && t.getAsJsonPrimitive().isString()) {
      if (t.getAsString().equals("any")) {
        return EnumSet.allOf(JsonType.class);
      }
      set.add(named(t.getAsString(), Keywords.child(ptr, "type")));
    } else if (t.isJsonArray()) {
      JsonArray a = t.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        JsonElement e = a.get(i);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
          throw new IllegalArgumentException(Keywords.child(ptr, "type", i)
              + ": a type must be a string (schemas in type arrays are not supported)");
        }
        if (e.getAsString().equals("any")) {
          return EnumSet.allOf(JsonType.class);
        }
        set.add(named(e.getAsString(), Keywords.child(ptr, "type", i)));
      }
    } else {
      throw new IllegalArgumentException(Keywords.child(ptr, "type")
          + ": type must be a string or an array of strings");
    }
    if (set.contains(NUMBER)) {
      set.add(INTEGER);
    }
    return set;
  }

  /** The type of a JSON value (INTEGER for a number with an integral value). */
  static JsonType of(JsonElement v) {
    if (v == null || v.isJsonNull()) {
      return NULL;
    }
    if (v.isJsonObject()) {
      return OBJECT;
    }
    if (v.isJsonArray()) {
      return ARRAY;
    }
    JsonPrimitive p = v.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return BOOLEAN;
    }
    if (p.isString()) {
      return STRING;
    }
    BigDecimal d = new BigDecimal(p.getAsString());
    return d.stripTrailingZeros().scale() <= 0 ? INTEGER : NUMBER;
  }

  /** Whether a value of type {@code actual} satisfies a schema allowing {@code allowed}. */
  static boolean matches(Set<JsonType> allowed, JsonType actual) {
    return allowed.contains(actual) || actual == INTEGER && allowed.contains(NUMBER);
  }
}
