package dev.tokensampler.structured;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: rewrites a JSON instance with each object's properties in the order its schema
 * declares them (own {@code properties}, then {@code required}, then those of {@code allOf},
 * {@code anyOf} and {@code oneOf} branches; undeclared ones last), as the compiler writes them.
 */
final class InstanceOrder {
  private InstanceOrder() {}

  static JsonElement reorder(JsonElement root, JsonElement schema, JsonElement value, int depth) {
    if (depth > 60 || value == null) {
      return value;
    }
    List<JsonObject> parts = new ArrayList<>();
    collect(root, schema, parts, 0);
    if (value.isJsonObject()) {
      Map<String, JsonElement> childSchema = new LinkedHashMap<>();
      List<String> order = new ArrayList<>();
      for (JsonObject p : parts) {
        if (p.has("properties") && p.get("properties").isJsonObject()) {
          for (Map.Entry<String, JsonElement> e : p.getAsJsonObject("properties").entrySet()) {
            if (!order.contains(e.getKey())) {
              order.add(e.getKey());
            }
            childSchema.putIfAbsent(e.getKey(), e.getValue());
          }
        }
      }
      for (JsonObject p : parts) {
        if (p.has("required") && p.get("required").isJsonArray()) {
          for (JsonElement r : p.getAsJsonArray("required")) {
            if (r.isJsonPrimitive() && !order.contains(r.getAsString())) {
              order.add(r.getAsString());
            }
          }
        }
      }
      JsonObject in = value.getAsJsonObject();
      JsonObject out = new JsonObject();
      for (String k : order) {
        if (in.has(k)) {
          out.add(k, reorder(root, childSchema.getOrDefault(k, additional(parts)), in.get(k),
              depth + 1));
        }
      }
      for (String k : in.keySet()) {
        if (!out.has(k)) {
          out.add(k, reorder(root, additional(parts), in.get(k), depth + 1));
        }
      }
      return out;
    }
    if (value.isJsonArray()) {
      JsonArray in = value.getAsJsonArray();
      JsonArray out = new JsonArray();
      for (int i = 0; i < in.size(); i++) {
        JsonElement s = null;
        for (JsonObject p : parts) {
          JsonElement prefix = p.has("prefixItems") ? p.get("prefixItems")
              : p.has("items") && p.get("items").isJsonArray() ? p.get("items") : null;
          if (prefix != null && prefix.isJsonArray() && i < prefix.getAsJsonArray().size()) {
            s = prefix.getAsJsonArray().get(i);
          } else if (p.has("items") && !p.get("items").isJsonArray()) {
            s = p.get("items");
          } else if (p.has("additionalItems")) {
            s = p.get("additionalItems");
          }
          if (s != null) {
            break;
          }
        }
        out.add(reorder(root, s, in.get(i), depth + 1));
      }
      return out;
    }
    return value;
  }

  private static JsonElement additional(List<JsonObject> parts) {
    for (JsonObject p : parts) {
      if (p.has("additionalProperties")) {
        return p.get("additionalProperties");
      }
    }
    return null;
  }

  private static void collect(JsonElement root, JsonElement s, List<JsonObject> out, int depth) {
    if (s == null || !s.isJsonObject() || depth > 30) {
      return;
    }
    JsonObject o = s.getAsJsonObject();
    out.add(o);
    if (o.has("$ref") && o.get("$ref").isJsonPrimitive()) {
      collect(root, resolve(root, o.get("$ref").getAsString()), out, depth + 1);
    }
    for (String k : new String[] {"allOf", "anyOf", "oneOf"}) {
      if (o.has(k) && o.get(k).isJsonArray()) {
        for (JsonElement b : o.getAsJsonArray(k)) {
          collect(root, b, out, depth + 1);
        }
      }
    }
  }

  private static JsonElement resolve(JsonElement root, String ref) {
    int hash = ref.indexOf('#');
    if (hash < 0) {
      return null;
    }
    String frag = java.net.URLDecoder.decode(ref.substring(hash + 1).replace("+", "%2B"),
        java.nio.charset.StandardCharsets.UTF_8);
    JsonElement cur = root;
    if (frag.isEmpty()) {
      return root;
    }
    if (!frag.startsWith("/")) {
      return null;
    }
    for (String seg : frag.substring(1).split("/", -1)) {
      seg = seg.replace("~1", "/").replace("~0", "~");
      if (cur.isJsonObject() && cur.getAsJsonObject().has(seg)) {
        cur = cur.getAsJsonObject().get(seg);
      } else if (cur.isJsonArray() && seg.matches("[0-9]+")
          && Integer.parseInt(seg) < cur.getAsJsonArray().size()) {
        cur = cur.getAsJsonArray().get(Integer.parseInt(seg));
      } else {
        return null;
      }
    }
    return cur;
  }

  /** Compact JSON text, strings escaped minimally (as Python's json.dumps with ensure_ascii off). */
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
      for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        string(e.getKey(), b);
        b.append(':');
        write(e.getValue(), b);
      }
      b.append('}');
    } else if (v.isJsonArray()) {
      b.append('[');
      boolean first = true;
      for (JsonElement e : v.getAsJsonArray()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        write(e, b);
      }
      b.append(']');
    } else if (v.getAsJsonPrimitive().isString()) {
      string(v.getAsString(), b);
    } else {
      b.append(v.getAsString());
    }
  }

  private static void string(String s, StringBuilder b) {
    b.append('"');
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
    b.append('"');
  }
}
