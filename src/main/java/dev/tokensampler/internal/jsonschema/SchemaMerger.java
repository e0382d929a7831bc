package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The conjunction of two schemas as one schema ({@code allOf} resolved), exact for the keywords it
 * merges: types intersect, properties and {@code additionalProperties} combine per key, required
 * names unite, bounds tighten, enums intersect, and two {@code anyOf}/{@code oneOf} lists become
 * the list of their pairwise conjunctions. Property schemas present on both sides become a nested
 * {@code allOf}, merged when visited. Keywords with different values on both sides that it cannot
 * combine (two patterns, two formats, ...) are an {@link IllegalArgumentException}.
 */
final class SchemaMerger {
  private static final int MAX_PRODUCT = 256;
  private final SchemaCompiler compiler;

  SchemaMerger(SchemaCompiler compiler) {
    this.compiler = compiler;
  }

  JsonElement merge(JsonElement a, JsonElement b, String ptr) {
    compiler.step(ptr);
    if (Keywords.isFalse(a) || Keywords.isFalse(b)) {
      return new JsonPrimitive(false);
    }
    if (Keywords.isTrivial(a)) {
      return b;
    }
    if (Keywords.isTrivial(b)) {
      return a;
    }
    if (!a.isJsonObject() || !b.isJsonObject()) {
      throw new IllegalArgumentException(ptr + ": a schema must be an object or a boolean");
    }
    JsonElement xe = compiler.inlineRef(a.getAsJsonObject(), ptr);
    JsonElement ye = compiler.inlineRef(b.getAsJsonObject(), ptr);
    if (!xe.isJsonObject() || !ye.isJsonObject()) {
      return merge(xe, ye, ptr);
    }
    JsonObject x = xe.getAsJsonObject();
    JsonObject y = ye.getAsJsonObject();
    if (x.has("allOf")) {
      return merge(flattenAllOf(x, ptr), y, ptr);
    }
    if (y.has("allOf")) {
      return merge(x, flattenAllOf(y, ptr), ptr);
    }
    JsonObject out = new JsonObject();
    Set<String> keys = new LinkedHashSet<>(x.keySet());
    keys.addAll(y.keySet());
    for (String k : keys) {
      JsonElement u = x.get(k);
      JsonElement v = y.get(k);
      if (!Keywords.VALIDATION.contains(k) || k.equals("properties")
          || k.equals("additionalProperties")) {
        continue; // properties: combined below with the other side's additionalProperties
      }
      if (u == null || v == null) {
        out.add(k, u == null ? v : u);
        continue;
      }
      out.add(k, both(k, u, v, x, y, ptr));
    }
    mergeProperties(x, y, out, ptr);
    return out;
  }

  private JsonElement flattenAllOf(JsonObject o, String ptr) {
    JsonElement acc = Schemas.without(o, "allOf");
    JsonArray list = Schemas.array(o, "allOf", ptr);
    for (int i = 0; i < list.size(); i++) {
      acc = merge(acc, list.get(i), Keywords.child(ptr, "allOf", i));
    }
    return acc;
  }

  private JsonElement both(String k, JsonElement u, JsonElement v, JsonObject x, JsonObject y,
      String ptr) {
    String where = Keywords.child(ptr, k);
    switch (k) {
      case "type": {
        Set<JsonType> tx = JsonType.allowed(x, ptr);
        Set<JsonType> ty = JsonType.allowed(y, ptr);
        JsonArray a = new JsonArray();
        for (JsonType t : JsonType.values()) {
          if (tx.contains(t) && ty.contains(t)) {
            a.add(t.keyword);
          }
        }
        return a;
      }
      case "required": {
        Set<String> names = new LinkedHashSet<>();
        for (JsonElement e : Schemas.array(x, k, ptr)) {
          names.add(e.getAsString());
        }
        for (JsonElement e : Schemas.array(y, k, ptr)) {
          names.add(e.getAsString());
        }
        JsonArray a = new JsonArray();
        names.forEach(a::add);
        return a;
      }
      case "enum":
      case "const": {
        JsonArray a = new JsonArray();
        JsonArray left = k.equals("enum") ? u.getAsJsonArray() : single(u);
        JsonArray right = k.equals("enum") ? v.getAsJsonArray() : single(v);
        for (JsonElement e : left) {
          for (JsonElement f : right) {
            if (ValueCheck.sameValue(e, f)) {
              a.add(e);
              break;
            }
          }
        }
        if (k.equals("const")) {
          return a.size() == 1 ? a.get(0) : emptyEnumMarker(where);
        }
        return a;
      }
      case "minLength":
      case "minItems":
      case "minProperties":
      case "minimum":
        return bound(u, v, true, where);
      case "maxLength":
      case "maxItems":
      case "maxProperties":
      case "maximum":
        return bound(u, v, false, where);
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        if (u.isJsonPrimitive() && u.getAsJsonPrimitive().isNumber() && v.isJsonPrimitive()
            && v.getAsJsonPrimitive().isNumber()) {
          return bound(u, v, k.equals("exclusiveMinimum"), where);
        }
        break;
      case "items":
        if (!u.isJsonArray() && !v.isJsonArray()) {
          return allOf(u, v);
        }
        break;
      case "additionalItems":
        return allOf(u, v);
      case ScalarRules.NOT_STRINGS: {
        JsonArray a = new JsonArray();
        u.getAsJsonArray().forEach(a::add);
        v.getAsJsonArray().forEach(a::add);
        return a;
      }
      case "anyOf":
      case "oneOf": {
        JsonArray left = u.getAsJsonArray();
        JsonArray right = v.getAsJsonArray();
        if ((long) left.size() * right.size() > MAX_PRODUCT) {
          throw new IllegalArgumentException(where + ": the conjunction of two " + k
              + " lists would have more than " + MAX_PRODUCT + " branches");
        }
        if (k.equals("oneOf")) {
          compiler.requireDisjoint(left, where);
          compiler.requireDisjoint(right, where);
        }
        JsonArray a = new JsonArray();
        for (JsonElement e : left) {
          for (JsonElement f : right) {
            a.add(allOf(e, f));
          }
        }
        // Pairwise conjunctions of two disjoint lists are disjoint: anyOf is exact.
        return a;
      }
      default:
    }
    if (ValueCheck.sameValue(u, v)) {
      return u;
    }
    throw new IllegalArgumentException(where + ": allOf with two different " + k
        + " values cannot be merged");
  }

  private static JsonArray single(JsonElement e) {
    JsonArray a = new JsonArray();
    a.add(e);
    return a;
  }

  private static JsonElement emptyEnumMarker(String where) {
    throw new IllegalArgumentException(where + ": allOf with two different const values accepts"
        + " nothing");
  }

  private static JsonElement bound(JsonElement u, JsonElement v, boolean lower, String where) {
    if (!u.isJsonPrimitive() || !u.getAsJsonPrimitive().isNumber() || !v.isJsonPrimitive()
        || !v.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException(where + ": must be a number");
    }
    int c = new BigDecimal(u.getAsString()).compareTo(new BigDecimal(v.getAsString()));
    return lower ? (c >= 0 ? u : v) : (c <= 0 ? u : v);
  }

  static JsonObject allOf(JsonElement a, JsonElement b) {
    JsonObject o = new JsonObject();
    JsonArray list = new JsonArray();
    list.add(a);
    list.add(b);
    o.add("allOf", list);
    return o;
  }

  /** Properties: per key, the conjunction of what each side allows for that key. */
  private void mergeProperties(JsonObject x, JsonObject y, JsonObject out, String ptr) {
    if (!x.has("properties") && !y.has("properties") && !x.has("additionalProperties")
        && !y.has("additionalProperties")) {
      return;
    }
    if (x.has("patternProperties") && (y.has("properties") || y.has("additionalProperties"))
        || y.has("patternProperties") && (x.has("properties") || x.has("additionalProperties"))) {
      throw new IllegalArgumentException(Keywords.child(ptr, "patternProperties")
          + ": allOf of patternProperties with properties on another branch is not supported");
    }
    JsonObject px = x.has("properties") ? Schemas.object(x, "properties", ptr) : new JsonObject();
    JsonObject py = y.has("properties") ? Schemas.object(y, "properties", ptr) : new JsonObject();
    JsonElement ax = x.get("additionalProperties");
    JsonElement ay = y.get("additionalProperties");
    JsonObject props = new JsonObject();
    Set<String> names = new LinkedHashSet<>(px.keySet());
    names.addAll(py.keySet());
    for (String n : names) {
      JsonElement sx = px.has(n) ? px.get(n) : ax;
      JsonElement sy = py.has(n) ? py.get(n) : ay;
      if (Keywords.isFalse(sx) || Keywords.isFalse(sy)) {
        props.add(n, new JsonPrimitive(false));
      } else if (Keywords.isTrivial(sx)) {
        props.add(n, sy == null ? new JsonObject() : sy);
      } else if (Keywords.isTrivial(sy)) {
        props.add(n, sx);
      } else {
        props.add(n, allOf(sx, sy));
      }
    }
    if (props.size() > 0) {
      out.add("properties", props);
    }
    if (ax != null || ay != null) {
      if (Keywords.isFalse(ax) || Keywords.isFalse(ay)) {
        out.add("additionalProperties", new JsonPrimitive(false));
      } else if (Keywords.isTrivial(ax)) {
        if (ay != null) {
          out.add("additionalProperties", ay);
        }
      } else if (Keywords.isTrivial(ay)) {
        out.add("additionalProperties", ax);
      } else {
        out.add("additionalProperties", allOf(ax, ay));
      }
    }
  }
}
