package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;

/** Typed access to schema keywords, with errors naming the keyword's JSON pointer. */
final class Schemas {
  private Schemas() {}

  static String string(JsonObject o, String k, String ptr) {
    JsonElement e = o.get(k);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(Keywords.child(ptr, k) + ": " + k
          + " must be a string");
    }
    return e.getAsString();
  }

  static BigDecimal number(JsonObject o, String k, String ptr) {
    JsonElement e = o.get(k);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException(Keywords.child(ptr, k) + ": " + k
          + " must be a number");
    }
    return new BigDecimal(e.getAsString());
  }

  /** A non-negative integer keyword (minLength, maxItems, ...), saturated at Long.MAX_VALUE. */
  static long count(JsonObject o, String k, String ptr) {
    BigDecimal d = number(o, k, ptr);
    if (d.signum() < 0 || d.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(Keywords.child(ptr, k) + ": " + k
          + " must be a non-negative integer, got " + d);
    }
    return d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE
        : d.longValueExact();
  }

  static JsonArray array(JsonObject o, String k, String ptr) {
    JsonElement e = o.get(k);
    if (e == null || !e.isJsonArray()) {
      throw new IllegalArgumentException(Keywords.child(ptr, k) + ": " + k
          + " must be an array");
    }
    return e.getAsJsonArray();
  }

  static JsonObject object(JsonObject o, String k, String ptr) {
    JsonElement e = o.get(k);
    if (e == null || !e.isJsonObject()) {
      throw new IllegalArgumentException(Keywords.child(ptr, k) + ": " + k
          + " must be an object");
    }
    return e.getAsJsonObject();
  }

  /** A shallow copy without the given members. */
  static JsonObject without(JsonObject o, String... keys) {
    JsonObject c = new JsonObject();
    outer:
    for (String k : o.keySet()) {
      for (String x : keys) {
        if (k.equals(x)) {
          continue outer;
        }
      }
      c.add(k, o.get(k));
    }
    return c;
  }

  /** The JSON spelling of a string, as a compact serialiser writes it. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        case '\b': b.append("\\b"); break;
        case '\f': b.append("\\f"); break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }

  /** The compact JSON text of a value (strings quoted as {@link #quote}). */
  static String compact(JsonElement v) {
    StringBuilder b = new StringBuilder();
    write(v, b);
    return b.toString();
  }

  private static void write(JsonElement v, StringBuilder b) {
    if (v == null || v.isJsonNull()) {
      b.append("null");
    } else if (v.isJsonObject()) {
      b.append('{');
      boolean first = true;
      for (String k : v.getAsJsonObject().keySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        b.append(quote(k)).append(':');
        write(v.getAsJsonObject().get(k), b);
      }
      b.append('}');
    } else if (v.isJsonArray()) {
      b.append('[');
      JsonArray a = v.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(a.get(i), b);
      }
      b.append(']');
    } else if (v.getAsJsonPrimitive().isString()) {
      b.append(quote(v.getAsString()));
    } else {
      b.append(v.getAsString());
    }
  }
}
