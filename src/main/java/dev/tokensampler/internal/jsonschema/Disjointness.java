package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A conservative test that two schemas accept no common instance, so that {@code oneOf} can be
 * compiled as a union. It proves disjointness from types, from {@code const}/{@code enum} values,
 * from numeric ranges, and for objects from a property required by one branch that the other
 * forbids or that both require with disjoint schemas (a discriminator). Unproven means "may
 * overlap".
 */
final class Disjointness {
  private static final int MAX_LEVEL = 8;
  private final SchemaCompiler c;

  Disjointness(SchemaCompiler c) {
    this.c = c;
  }

  boolean disjoint(JsonElement a, JsonElement b, String where) {
    return disjoint(a, b, where, 0);
  }

  private boolean disjoint(JsonElement a, JsonElement b, String where, int level) {
    c.step(where);
    if (level > MAX_LEVEL) {
      return false;
    }
    if (Keywords.isFalse(a) || Keywords.isFalse(b)) {
      return true;
    }
    if (!a.isJsonObject() || !b.isJsonObject()) {
      return false;
    }
    JsonElement ae = c.inlineRef(a.getAsJsonObject(), where);
    JsonElement be = c.inlineRef(b.getAsJsonObject(), where);
    if (!ae.isJsonObject() || !be.isJsonObject()) {
      return Keywords.isFalse(ae) || Keywords.isFalse(be);
    }
    JsonObject x = ae.getAsJsonObject();
    JsonObject y = be.getAsJsonObject();
    for (JsonObject[] pair : new JsonObject[][] {{x, y}, {y, x}}) {
      JsonObject p = pair[0];
      JsonObject q = pair[1];
      if (p.has("allOf")) {
        if (disjoint(Schemas.without(p, "allOf"), q, where, level + 1)) {
          return true;
        }
        for (JsonElement part : p.getAsJsonArray("allOf")) {
          if (disjoint(part, q, where, level + 1)) {
            return true;
          }
        }
        return false;
      }
      for (String key : new String[] {"anyOf", "oneOf"}) {
        if (p.has(key)) {
          if (disjoint(Schemas.without(p, key), q, where, level + 1)) {
            return true;
          }
          for (JsonElement branch : p.getAsJsonArray(key)) {
            if (!disjoint(branch, q, where, level + 1)) {
              return false;
            }
          }
          return true;
        }
      }
    }
    Set<JsonType> tx = types(x, where);
    Set<JsonType> ty = types(y, where);
    List<JsonElement> vx = values(x);
    List<JsonElement> vy = values(y);
    if (vx != null && accepted(vx, y, where).isEmpty()) {
      return true;
    }
    if (vy != null && accepted(vy, x, where).isEmpty()) {
      return true;
    }
    for (JsonType t : tx) {
      if (!JsonType.matches(ty, t) && !(t == JsonType.NUMBER && ty.contains(JsonType.INTEGER))) {
        continue;
      }
      if (t == JsonType.INTEGER && tx.contains(JsonType.NUMBER)) {
        continue; // decided with NUMBER
      }
      boolean separated;
      switch (t) {
        case OBJECT: separated = objectsDisjoint(x, y, where, level); break;
        case INTEGER:
        case NUMBER: separated = rangesDisjoint(x, y, where); break;
        default: separated = false;
      }
      if (!separated) {
        return false;
      }
    }
    return true;
  }

  private static Set<JsonType> types(JsonObject o, String where) {
    Set<JsonType> t = JsonType.allowed(o, where);
    List<JsonElement> v = values(o);
    if (v != null) {
      Set<JsonType> of = EnumSet.noneOf(JsonType.class);
      for (JsonElement e : v) {
        JsonType vt = JsonType.of(e);
        if (JsonType.matches(t, vt)) {
          of.add(vt);
        }
      }
      return of;
    }
    return t;
  }

  private static List<JsonElement> values(JsonObject o) {
    if (o.has("const")) {
      List<JsonElement> l = new ArrayList<>();
      l.add(o.get("const"));
      return l;
    }
    if (o.has("enum") && o.get("enum").isJsonArray()) {
      List<JsonElement> l = new ArrayList<>();
      o.getAsJsonArray("enum").forEach(l::add);
      return l;
    }
    return null;
  }

  /** The values the other schema may accept (all of them where it cannot be decided). */
  private static List<JsonElement> accepted(List<JsonElement> values, JsonObject other,
      String where) {
    List<JsonElement> out = new ArrayList<>();
    for (JsonElement v : values) {
      try {
        if (ValueCheck.accepts(other, v, where)) {
          out.add(v);
        }
      } catch (IllegalArgumentException e) {
        out.add(v);
      }
    }
    return out;
  }

  private boolean objectsDisjoint(JsonObject x, JsonObject y, String where, int level) {
    for (JsonObject[] pair : new JsonObject[][] {{x, y}, {y, x}}) {
      JsonObject p = pair[0];
      JsonObject q = pair[1];
      JsonArray req = p.has("required") && p.get("required").isJsonArray()
          ? p.getAsJsonArray("required") : new JsonArray();
      JsonObject qProps = q.has("properties") && q.get("properties").isJsonObject()
          ? q.getAsJsonObject("properties") : new JsonObject();
      JsonObject pProps = p.has("properties") && p.get("properties").isJsonObject()
          ? p.getAsJsonObject("properties") : new JsonObject();
      for (JsonElement r : req) {
        String name = r.getAsString();
        if (!qProps.has(name) && Keywords.isFalse(q.get("additionalProperties"))
            && !q.has("patternProperties")) {
          return true;
        }
        if (qProps.has(name) && Keywords.isFalse(qProps.get(name))) {
          return true;
        }
        // Present (required by p), its value must satisfy both property schemas.
        if (pProps.has(name) && qProps.has(name)
            && disjoint(pProps.get(name), qProps.get(name), where, level + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean rangesDisjoint(JsonObject x, JsonObject y, String where) {
    BigDecimal xMax = upper(x);
    BigDecimal yMin = lower(y);
    BigDecimal yMax = upper(y);
    BigDecimal xMin = lower(x);
    return xMax != null && yMin != null && xMax.compareTo(yMin) < 0
        || yMax != null && xMin != null && yMax.compareTo(xMin) < 0;
  }

  private static BigDecimal lower(JsonObject o) {
    return bound(o, "minimum", "exclusiveMinimum");
  }

  private static BigDecimal upper(JsonObject o) {
    return bound(o, "maximum", "exclusiveMaximum");
  }

  /** The inclusive bound (exclusive bounds are treated as inclusive: conservative). */
  private static BigDecimal bound(JsonObject o, String inclusive, String exclusive) {
    JsonElement e = o.get(inclusive);
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      return new BigDecimal(e.getAsString());
    }
    e = o.get(exclusive);
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      return new BigDecimal(e.getAsString());
    }
    return null;
  }
}
