package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tokensampler.structured.JsonSchemaOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rules for objects and arrays.
 *
 * <p>Objects: declared properties in the order of the options, optional ones present or absent,
 * then undeclared ones where allowed (their keys spelled differently from every declared name,
 * so that no declared property escapes its schema), with {@code minProperties} /
 * {@code maxProperties} counted. {@code patternProperties} is supported when its schemas accept
 * anything (and {@code additionalProperties} is not false), or, with
 * {@code additionalProperties: false}, for one pattern that no declared name matches.
 * {@code propertyNames} is supported when no undeclared property may appear (a declared name it
 * rejects is then dropped).
 *
 * <p>Arrays: {@code prefixItems} (or draft-07 array-form {@code items}) then {@code items} (or
 * {@code additionalItems}), within {@code minItems} / {@code maxItems}. {@code uniqueItems} is
 * supported only with {@code maxItems <= 1}; {@code contains} is not supported.
 */
final class StructureRules {
  private static final int MAX_OBJECT_STATES = 20_000;
  /** Patterns that every property name matches. */
  private static final Set<String> UNIVERSAL_PATTERNS = Set.of("", ".*", "^.*", ".*$",
      "(.*)", "[\\s\\S]*", "^[\\s\\S]*$");
  private final SchemaCompiler c;

  StructureRules(SchemaCompiler c) {
    this.c = c;
  }

  private static final class Prop {
    final String key;
    final String kv;
    final boolean required;

    Prop(String key, String kv, boolean required) {
      this.key = key;
      this.kv = kv;
      this.required = required;
    }
  }

  String object(JsonObject o, String ptr) {
    for (String k : new String[] {"unevaluatedProperties"}) {
      if (o.has(k) && !Keywords.isTrivial(o.get(k))) {
        throw SchemaCompiler.unsupported(ptr, k);
      }
    }
    String w = c.ws();
    JsonObject declared = o.has("properties") ? Schemas.object(o, "properties", ptr)
        : new JsonObject();
    Set<String> required = new LinkedHashSet<>();
    if (o.has("required")) {
      JsonElement r = o.get("required");
      if (!r.isJsonArray()) {
        throw new IllegalArgumentException(Keywords.child(ptr, "required")
            + ": required must be an array of strings");
      }
      for (JsonElement e : r.getAsJsonArray()) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
          throw new IllegalArgumentException(Keywords.child(ptr, "required")
              + ": required must be an array of strings");
        }
        required.add(e.getAsString());
      }
    }
    JsonElement additional = o.get("additionalProperties");
    boolean additionalFalse = Keywords.isFalse(additional);
    // Schema per declared name, and what undeclared keys may be.
    Map<String, JsonElement> props = new LinkedHashMap<>();
    Map<String, String> propPtr = new HashMap<>();
    for (String name : declared.keySet()) {
      props.put(name, declared.get(name));
      propPtr.put(name, Keywords.child(Keywords.child(ptr, "properties"), name));
    }
    String extraKey = null; // null: no undeclared properties
    JsonElement extraValue = null;
    String extraPtr = Keywords.child(ptr, "additionalProperties");
    JsonObject patterns = o.has("patternProperties")
        ? Schemas.object(o, "patternProperties", ptr) : new JsonObject();
    boolean trivialPatterns = patterns.entrySet().stream()
        .allMatch(e -> Keywords.isTrivial(e.getValue()));
    Set<String> allNames = new LinkedHashSet<>(props.keySet());
    allNames.addAll(required);
    if (patterns.size() > 0 && !(trivialPatterns && !additionalFalse)) {
      // Declared and required names matching a pattern must also satisfy its schema.
      boolean declaredMatch = false;
      for (String name : allNames) {
        for (String pattern : patterns.keySet()) {
          String where = Keywords.child(Keywords.child(ptr, "patternProperties"), pattern);
          if (javaFind(pattern, name, where)) {
            declaredMatch = true;
            JsonElement base = props.containsKey(name) ? props.get(name) : new JsonObject();
            props.put(name, Keywords.isTrivial(base) ? patterns.get(pattern)
                : SchemaMerger.allOf(base, patterns.get(pattern)));
            propPtr.putIfAbsent(name, where);
          }
        }
      }
      // Undeclared members: only under one pattern (or all patterns with one schema), and only
      // where no declared name matches (a subset of the valid objects otherwise).
      Set<String> schemas = new LinkedHashSet<>();
      patterns.entrySet().forEach(e -> schemas.add(e.getValue().toString()));
      String universal = null;
      for (String pattern : patterns.keySet()) {
        if (UNIVERSAL_PATTERNS.contains(pattern)) {
          universal = pattern;
        }
      }
      if (c.options.undeclaredProperties() && schemas.size() == 1) {
        String pattern = patterns.keySet().iterator().next();
        if (universal != null) {
          extraKey = notNames(allNames);
          extraValue = patterns.get(universal);
          extraPtr = Keywords.child(Keywords.child(ptr, "patternProperties"), universal);
        } else if (!declaredMatch) {
          List<String> keys = new ArrayList<>();
          for (String p : patterns.keySet()) {
            String where = Keywords.child(Keywords.child(ptr, "patternProperties"), p);
            String body = RegexTranslator.translate(p, where, c.options.maxRepeat(),
                c.charRule());
            if (body != null) {
              keys.add(body);
            }
          }
          if (!keys.isEmpty()) {
            extraKey = "\"\\\"\" " + SchemaCompiler.union(keys) + " \"\\\"\"";
            extraValue = patterns.get(pattern);
            extraPtr = Keywords.child(Keywords.child(ptr, "patternProperties"), pattern);
          }
        }
      }
    } else if (!additionalFalse && c.options.undeclaredProperties()) {
      extraKey = notNames(allNames);
      extraValue = additional == null ? new JsonObject() : additional;
    }
    // Required names not declared: their schema is what additionalProperties says.
    for (String name : required) {
      if (!props.containsKey(name)) {
        if (additionalFalse) {
          return null;
        }
        props.put(name, additional == null ? new JsonObject() : additional);
        propPtr.put(name, Keywords.child(ptr, "additionalProperties"));
      }
    }
    if (o.has("propertyNames") && !Keywords.isTrivial(o.get("propertyNames"))) {
      JsonElement pn = o.get("propertyNames");
      String where = Keywords.child(ptr, "propertyNames");
      if (extraKey != null) {
        throw new IllegalArgumentException(where
            + ": propertyNames is supported only where no undeclared property may appear");
      }
      JsonElement flat = pn.isJsonObject() ? c.inlineRef(pn.getAsJsonObject(), where) : pn;
      for (String name : new ArrayList<>(props.keySet())) {
        boolean ok = !Keywords.isFalse(flat) && (!flat.isJsonObject() || ValueCheck.accepts(
            flat.getAsJsonObject(), new com.google.gson.JsonPrimitive(name), where));
        if (!ok) {
          if (required.contains(name)) {
            return null;
          }
          props.remove(name);
        }
      }
    }
    List<Prop> list = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : props.entrySet()) {
      String name = e.getKey();
      String value = c.visit(e.getValue(), propPtr.get(name));
      if (value == null) {
        if (required.contains(name)) {
          return null;
        }
        continue;
      }
      String kv = GbnfRules.literal(Schemas.quote(name)) + w + " \":\"" + w + " " + value + w;
      list.add(new Prop(name, kv, required.contains(name)));
    }
    if (c.options.propertyOrder() == JsonSchemaOptions.PropertyOrder.REQUIRED_FIRST) {
      List<Prop> sorted = new ArrayList<>();
      list.stream().filter(p -> p.required).forEach(sorted::add);
      list.stream().filter(p -> !p.required).forEach(sorted::add);
      list = sorted;
    }
    String extraKv = null;
    if (extraKey != null) {
      String v = c.visit(extraValue, extraPtr);
      if (v != null) {
        extraKv = c.rules.add("other-member", extraKey + w + " \":\"" + w + " " + v + w);
      }
    }
    long minP = o.has("minProperties") ? Schemas.count(o, "minProperties", ptr) : 0;
    long maxP = o.has("maxProperties") ? Schemas.count(o, "maxProperties", ptr) : -1;
    if (maxP >= 0 && minP > maxP) {
      return null;
    }
    String body;
    if (c.options.propertyOrder() == JsonSchemaOptions.PropertyOrder.ANY
        && list.size() <= AnyOrderBody.MAX_PROPERTIES
        && (extraKv == null || minP == 0 && maxP < 0)) {
      List<String> kvs = new ArrayList<>();
      List<Boolean> req = new ArrayList<>();
      list.forEach(p -> {
        kvs.add(p.kv);
        req.add(p.required);
      });
      body = new AnyOrderBody(c, kvs, req, extraKv, minP, maxP, w, ptr).build();
    } else {
      body = new ObjectBody(list, extraKv, minP, maxP, w, ptr).build();
    }
    if (body == null) {
      return null;
    }
    return "\"{\"" + w + " " + body + " \"}\"";
  }

  /** The sequence of properties as rules over (position, count so far) states. */
  private final class ObjectBody {
    final List<Prop> props;
    final String extraKv;
    final long minP;
    final long maxP;
    final String w;
    final String ptr;
    final int cap;
    final Map<Long, String> memo = new HashMap<>();
    final String hint;

    ObjectBody(List<Prop> props, String extraKv, long minP, long maxP, String w, String ptr) {
      this.props = props;
      this.extraKv = extraKv;
      this.minP = minP;
      this.maxP = maxP;
      this.w = w;
      this.ptr = ptr;
      long capL = Math.max(1, maxP >= 0 ? maxP + 1 : minP);
      capL = Math.min(capL, props.size() + 2L + Math.max(minP, 0));
      if (capL > 1 && (props.size() + 1L) * (capL + 1) > MAX_OBJECT_STATES) {
        throw new IllegalArgumentException(ptr + ": minProperties/maxProperties with "
            + props.size() + " properties needs more than " + MAX_OBJECT_STATES + " states");
      }
      this.cap = (int) capL;
      String last = ptr.substring(ptr.lastIndexOf('/') + 1);
      this.hint = (last.isEmpty() || last.equals("#") ? "obj" : last);
    }

    String build() {
      // From the last position back, so that no state recurses into the next (no deep stack).
      for (int i = props.size(); i >= 0; i--) {
        for (long count = 0; count <= cap; count++) {
          state(i, count);
        }
      }
      return memo.get(0L);
    }

    /** Properties from position i on, count already written (capped). Null if impossible. */
    private String state(int i, long count) {
      if (maxP >= 0 && count > maxP) {
        return null;
      }
      long key = (long) i * (cap + 1) + count;
      if (memo.containsKey(key)) {
        return memo.get(key);
      }
      c.step(ptr);
      String body;
      if (i == props.size()) {
        body = tail(count);
      } else {
        Prop p = props.get(i);
        String sep = count > 0 ? "\",\"" + w + " " : "";
        String with = next(i + 1, Math.min(count + 1, cap));
        String present = with == null ? null : (sep + p.kv + " " + with).trim();
        if (p.required) {
          body = present;
        } else {
          String absent = next(i + 1, count);
          List<String> alts = new ArrayList<>();
          if (present != null) {
            alts.add(present);
          }
          if (absent != null) {
            alts.add(absent.isEmpty() ? "\"\"" : absent);
          }
          body = SchemaCompiler.union(alts);
        }
      }
      String result;
      if (body == null) {
        result = null;
      } else if (body.isEmpty() || body.equals("\"\"") || body.length() < 24) {
        result = body;
      } else {
        result = c.rules.add(hint, body);
      }
      memo.put(key, result);
      return result;
    }

    /** A state already computed (the builder goes backwards). */
    private String next(int i, long count) {
      if (maxP >= 0 && count > maxP) {
        return null;
      }
      return memo.get((long) i * (cap + 1) + count);
    }

    /** Undeclared properties after the declared ones. */
    private String tail(long count) {
      long lo = Math.max(0, minP - count);
      long hi = maxP < 0 ? -1 : maxP - count;
      if (extraKv == null) {
        return lo > 0 ? null : "";
      }
      if (hi == 0) {
        return lo > 0 ? null : "";
      }
      String item = "(" + extraKv + ")";
      String more = "(\",\"" + w + " " + extraKv + ")";
      if (count == 0) {
        String rest = c.scalars.repeat(more, Math.max(0, lo - 1), hi < 0 ? -1 : hi - 1, ptr,
            "minProperties");
        String seq = item + " " + rest;
        return lo == 0 ? "(" + seq + ")?" : seq;
      }
      return c.scalars.repeat(more, lo, hi, ptr, "minProperties");
    }
  }

  private static boolean javaFind(String pattern, String s, String where) {
    try {
      return Pattern.compile(pattern).matcher(s).find();
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(where + ": pattern cannot be checked: "
          + e.getDescription());
    }
  }

  /**
   * A JSON string (with quotes) whose value is none of {@code names}: a trie over the names'
   * canonical spellings, leaving it with a character no name continues with. The grammar text is
   * about one literal and one rule reference per trie node: the characters that leave a node are
   * a rule shared by every node with the same continuations.
   */
  String notNames(Set<String> names) {
    c.charRule();
    Trie trie = new Trie();
    for (String n : names) {
      trie.add(n, c);
    }
    return "\"\\\"\" " + trie.complement(this) + " \"\\\"\"";
  }

  /** Trie depths at which a node's alternatives become a rule of their own (bounded nesting). */
  private static final int TRIE_RULE_DEPTH = 32;

  /** Rule names of "a character outside this set, then any characters", by the set's text. */
  private final Map<String, String> leaveRules = new HashMap<>();

  /**
   * A rule matching a string that starts with a JSON character (canonical spelling) whose code
   * point is not in {@code continued} (sorted), then any JSON characters; null if none is left.
   */
  private String leaveRule(int[] continued) {
    String key = java.util.Arrays.toString(continued);
    if (leaveRules.containsKey(key)) {
      return leaveRules.get(key);
    }
    int[] pairs = new int[continued.length * 2];
    for (int i = 0; i < continued.length; i++) {
      pairs[2 * i] = continued[i];
      pairs[2 * i + 1] = continued[i];
    }
    String other = CharRanges.of(pairs).complement().minus(CharRanges.of(0xD800, 0xDFFF))
        .jsonCharExpression();
    String name = other == null ? null : c.rules.add("key-other", other + " char*");
    leaveRules.put(key, name);
    return name;
  }

  private static final class Trie {
    final java.util.TreeMap<Integer, Trie> next = new java.util.TreeMap<>();
    boolean terminal;

    /** Adds a name; each new node is a step of compile work (a bound on the trie's memory). */
    void add(String s, SchemaCompiler c) {
      Trie t = this;
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        Trie child = t.next.get(cp);
        if (child == null) {
          c.step("#");
          child = new Trie();
          t.next.put(cp, child);
        }
        t = child;
      }
      t.terminal = true;
    }

    /**
     * Strings (JSON spelling) that are not a member of this trie's set, as a GBNF expression.
     * Iterative (names may be long): children before parents, each node's expression from its
     * children's; nodes every {@link #TRIE_RULE_DEPTH} levels become rules, so that groups nest at
     * most that deep.
     */
    String complement(StructureRules owner) {
      List<Trie> order = new ArrayList<>(); // pre-order
      List<Integer> depths = new ArrayList<>();
      java.util.ArrayDeque<Trie> stack = new java.util.ArrayDeque<>();
      java.util.ArrayDeque<Integer> stackDepth = new java.util.ArrayDeque<>();
      stack.push(this);
      stackDepth.push(0);
      while (!stack.isEmpty()) {
        Trie t = stack.pop();
        int d = stackDepth.pop();
        order.add(t);
        depths.add(d);
        for (Trie child : t.next.values()) {
          stack.push(child);
          stackDepth.push(d + 1);
        }
      }
      Map<Trie, String> text = new java.util.IdentityHashMap<>();
      for (int k = order.size() - 1; k >= 0; k--) {
        Trie t = order.get(k);
        owner.c.step("#");
        int[] continued = new int[t.next.size()];
        List<String> alts = new ArrayList<>();
        int j = 0;
        for (Map.Entry<Integer, Trie> e : t.next.entrySet()) {
          continued[j++] = e.getKey();
          String spelled = Schemas.quote(new String(Character.toChars(e.getKey())));
          String lit = GbnfRules.literal(spelled.substring(1, spelled.length() - 1));
          String sub = text.remove(e.getValue());
          alts.add(sub.equals("\"\"") ? lit : lit + " " + sub);
        }
        String leave = owner.leaveRule(continued);
        if (leave != null) {
          alts.add(leave);
        }
        if (!t.terminal) {
          alts.add("\"\"");
        }
        String expr = alts.size() == 1 ? alts.get(0) : "(" + String.join(" | ", alts) + ")";
        if (depths.get(k) % TRIE_RULE_DEPTH == 0 && depths.get(k) > 0 && expr.length() > 24) {
          expr = owner.c.rules.add("key-part", expr);
        }
        text.put(t, expr);
      }
      return text.get(this);
    }
  }

  String array(JsonObject o, String ptr) {
    for (String k : new String[] {"contains", "unevaluatedItems"}) {
      if (o.has(k) && !(k.equals("unevaluatedItems") && Keywords.isTrivial(o.get(k)))) {
        throw SchemaCompiler.unsupported(ptr, k);
      }
    }
    long min = o.has("minItems") ? Schemas.count(o, "minItems", ptr) : 0;
    long max = o.has("maxItems") ? Schemas.count(o, "maxItems", ptr) : -1;
    JsonElement unique = o.get("uniqueItems");
    if (unique != null && unique.isJsonPrimitive() && unique.getAsJsonPrimitive().isBoolean()
        && unique.getAsBoolean() && !(max >= 0 && max <= 1)) {
      throw SchemaCompiler.unsupported(ptr, "uniqueItems");
    }
    List<JsonElement> prefix = new ArrayList<>();
    String prefixKey = null;
    JsonElement rest;
    String restPtr;
    JsonElement items = o.get("items");
    if (o.has("prefixItems")) {
      prefixKey = "prefixItems";
      Schemas.array(o, "prefixItems", ptr).forEach(prefix::add);
      rest = items;
      restPtr = Keywords.child(ptr, "items");
    } else if (items != null && items.isJsonArray()) {
      prefixKey = "items";
      items.getAsJsonArray().forEach(prefix::add);
      rest = o.get("additionalItems");
      restPtr = Keywords.child(ptr, "additionalItems");
    } else {
      rest = items;
      restPtr = Keywords.child(ptr, "items");
    }
    if (max >= 0 && min > max) {
      return null;
    }
    String w = c.ws();
    List<String> elems = new ArrayList<>();
    for (int i = 0; i < prefix.size(); i++) {
      if (max >= 0 && i >= max) {
        break;
      }
      String e = c.visit(prefix.get(i), Keywords.child(ptr, prefixKey, i));
      if (e == null) {
        break;
      }
      elems.add(e);
    }
    String restExpr = rest == null ? c.anyValue() : c.visit(rest, restPtr);
    if (elems.size() < prefix.size()) {
      restExpr = null; // an impossible position ends the array before it
    }
    String tail = tail(elems, 0, restExpr, min, max, w, ptr);
    if (tail == null) {
      return null;
    }
    return ("\"[\"" + w + " " + tail + " \"]\"").replace("  ", " ");
  }

  private String tail(List<String> elems, int k, String restExpr, long min, long max, String w,
      String ptr) {
    String sep = k > 0 ? "\",\"" + w + " " : "";
    if (k < elems.size()) {
      String after = tail(elems, k + 1, restExpr, min, max, w, ptr);
      if (after == null) {
        return k < min ? null : "";
      }
      String elem = (sep + elems.get(k) + w + (after.isEmpty() ? "" : " " + after)).trim();
      return k < min ? elem : "(" + elem + ")?";
    }
    long lo = Math.max(0, min - k);
    long hi = max < 0 ? -1 : max - k;
    if (restExpr == null || hi == 0) {
      return lo > 0 ? null : "";
    }
    String item = restExpr + w;
    if (k == 0) {
      String more = c.scalars.repeat("\",\"" + w + " " + item, Math.max(0, lo - 1),
          hi < 0 ? -1 : hi - 1, ptr, "minItems");
      String seq = item + " " + more;
      return lo == 0 ? "(" + seq + ")?" : seq;
    }
    return c.scalars.repeat("\",\"" + w + " " + item, lo, hi, ptr, "minItems");
  }
}
