package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.tokensampler.structured.JsonSchemaOptions;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema into GBNF text: the dispatcher over {@code $ref}, {@code allOf},
 * {@code anyOf} and {@code oneOf}, and the rules of each instance type (objects and arrays in
 * {@link StructureRules}, strings and numbers in {@link ScalarRules}). One instance per compile.
 */
public final class SchemaCompiler {
  /** The deepest schema nesting visited at once (each level a Java stack frame or a few). */
  static final int MAX_DEPTH = 200;

  final JsonSchemaOptions options;
  final GbnfRules rules;
  final SchemaMerger merger = new SchemaMerger(this);
  final StructureRules structures = new StructureRules(this);
  final ScalarRules scalars = new ScalarRules(this);
  private final JsonElement root;
  private final String rootId;
  /** Draft 4 to 7: members beside {@code $ref} are ignored. */
  private final boolean refSiblingsIgnored;
  private final Map<String, String> refRules = new HashMap<>();
  private Map<String, String> anchors;
  private int depth;
  private long work;

  private SchemaCompiler(JsonElement root, JsonSchemaOptions options) {
    this.root = root;
    this.options = options;
    this.rules = new GbnfRules(options.maxGrammarChars());
    String id = null;
    String draft = "";
    if (root.isJsonObject()) {
      JsonObject o = root.getAsJsonObject();
      JsonElement e = o.has("$id") ? o.get("$id") : o.get("id");
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        id = e.getAsString();
      }
      JsonElement s = o.get("$schema");
      if (s != null && s.isJsonPrimitive() && s.getAsJsonPrimitive().isString()) {
        draft = s.getAsString();
      }
    }
    this.rootId = id;
    this.refSiblingsIgnored = draft.contains("draft-04") || draft.contains("draft-06")
        || draft.contains("draft-07") || draft.contains("draft-03");
  }

  /**
   * The GBNF text for a schema.
   *
   * @throws IllegalArgumentException for a schema that is not JSON, uses an unsupported keyword
   *     (naming it and its JSON pointer), accepts nothing, or exceeds a limit of the options
   */
  public static String toGbnf(String schemaJson, JsonSchemaOptions options) {
    if (schemaJson.length() > options.maxSchemaChars()) {
      throw new IllegalArgumentException("schema: " + schemaJson.length()
          + " characters exceed maxSchemaChars = " + options.maxSchemaChars());
    }
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new StringReader(schemaJson));
      reader.setStrictness(Strictness.STRICT);
      root = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("schema: text after the JSON value");
      }
    } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new IllegalArgumentException("schema: not valid JSON: " + m, e);
    }
    SchemaCompiler c = new SchemaCompiler(root, options);
    String body = c.visit(root, "#");
    if (body == null) {
      throw new IllegalArgumentException("#: the schema accepts no instance");
    }
    return c.rules.render(body);
  }

  /** Counts one unit of compile work. */
  void step(String ptr) {
    if (++work > options.maxWork()) {
      throw new IllegalArgumentException(ptr + ": compile work exceeds maxWork = "
          + options.maxWork() + " steps");
    }
  }

  /** " ws" in the flexible policy, "" in the compact one (to append after a token). */
  String ws() {
    if (options.whitespace() == JsonSchemaOptions.Whitespace.COMPACT) {
      return "";
    }
    if (!rules.has("ws")) {
      rules.defineFixed("ws", "(\" \" | \"\\n\" [ \\t]{0,20})?");
    }
    return " ws";
  }

  /**
   * The GBNF expression for instances of a schema.
   *
   * @return the expression, or null if the schema accepts nothing
   */
  String visit(JsonElement s, String ptr) {
    step(ptr);
    if (++depth > MAX_DEPTH) {
      throw new IllegalArgumentException(ptr + ": schema nesting (with $ref and allOf expansion)"
          + " deeper than " + MAX_DEPTH);
    }
    try {
      return visitSchema(s, ptr);
    } finally {
      depth--;
    }
  }

  private String visitSchema(JsonElement s, String ptr) {
    if (s.isJsonPrimitive() && s.getAsJsonPrimitive().isBoolean()) {
      return s.getAsBoolean() ? anyValue() : null;
    }
    if (!s.isJsonObject()) {
      throw new IllegalArgumentException(ptr + ": a schema must be an object or a boolean");
    }
    JsonObject o = s.getAsJsonObject();
    if (Keywords.onlyAnnotations(o, null)) {
      return anyValue();
    }
    if (o.has("$ref")) {
      String ref = Schemas.string(o, "$ref", ptr);
      if (refSiblingsIgnored || Keywords.onlyAnnotations(o, "$ref")) {
        return refRule(ref, ptr);
      }
      return visit(merger.merge(inlineRef(o, ptr), Schemas.without(o, "$ref"), ptr), ptr);
    }
    if (o.has("not")) {
      return visitNot(o, ptr);
    }
    if (o.has("dependencies") || o.has("dependentRequired") || o.has("dependentSchemas")) {
      return visitDependencies(o, ptr);
    }
    if (o.has("allOf")) {
      JsonElement acc = Schemas.without(o, "allOf");
      JsonArray list = Schemas.array(o, "allOf", ptr);
      for (int i = 0; i < list.size(); i++) {
        acc = merger.merge(acc, list.get(i), Keywords.child(ptr, "allOf", i));
      }
      return visit(acc, ptr);
    }
    String key = o.has("anyOf") ? "anyOf" : o.has("oneOf") ? "oneOf" : null;
    if (key != null) {
      JsonArray branches = Schemas.array(o, key, ptr);
      if (key.equals("oneOf")) {
        branches = exclusiveRequired(branches);
      }
      JsonObject rest = Schemas.without(o, key);
      boolean plain = Keywords.onlyAnnotations(rest, null);
      JsonArray merged = new JsonArray();
      for (int i = 0; i < branches.size(); i++) {
        merged.add(plain ? branches.get(i)
            : merger.merge(rest, branches.get(i), Keywords.child(ptr, key, i)));
      }
      if (key.equals("oneOf")) {
        requireDisjoint(merged, Keywords.child(ptr, key));
      }
      List<String> alts = new ArrayList<>();
      for (int i = 0; i < merged.size(); i++) {
        String e = visit(merged.get(i), Keywords.child(ptr, key, i));
        if (e != null) {
          alts.add(e);
        }
      }
      return union(alts);
    }
    return flat(o, ptr);
  }

  /**
   * {@code not} in the forms it can express exactly: {@code not: {}} (nothing), {@code not: false},
   * {@code not: {type: ...}}, {@code not: {required: [names]}} (an object missing one of them),
   * {@code not: {enum/const: strings}} (any other value), and {@code not: {anyOf: [...]}} of
   * those.
   */
  private String visitNot(JsonObject o, String ptr) {
    String where = Keywords.child(ptr, "not");
    JsonObject rest = Schemas.without(o, "not");
    JsonElement extra = negation(o.get("not"), rest, where, 0);
    if (Keywords.isFalse(extra)) {
      return null;
    }
    return visit(merger.merge(rest, extra, ptr), ptr);
  }

  /**
   * A schema equivalent to {@code not n} (beside {@code rest}): {@code false} for nothing, or an
   * object. {@code not {anyOf: [...]}} becomes the conjunction of the branches' negations.
   */
  private JsonElement negation(JsonElement n, JsonObject rest, String where, int level) {
    step(where);
    if (n.isJsonObject()) {
      n = inlineRef(n.getAsJsonObject(), where);
    }
    if (Keywords.isTrivial(n)) {
      return new com.google.gson.JsonPrimitive(false);
    }
    if (Keywords.isFalse(n)) {
      return new JsonObject();
    }
    if (!n.isJsonObject()) {
      throw new IllegalArgumentException(where + ": a schema must be an object or a boolean");
    }
    JsonObject no = withoutTrivialProperties(n.getAsJsonObject());
    if (Keywords.onlyAnnotations(Schemas.without(no, "not"), null) && no.has("not")) {
      return no.get("not"); // not (not X) is X
    }
    JsonObject extra = new JsonObject();
    if (Keywords.onlyAnnotations(Schemas.without(no, "anyOf"), null) && level < 4
        && no.get("anyOf").isJsonArray()) {
      JsonElement acc = new JsonObject();
      JsonArray branches = no.getAsJsonArray("anyOf");
      for (int i = 0; i < branches.size(); i++) {
        JsonElement e = negation(branches.get(i), rest, Keywords.child(where, "anyOf", i),
            level + 1);
        acc = merger.merge(acc, e, where);
        if (Keywords.isFalse(acc)) {
          return acc;
        }
      }
      return acc;
    } else if (Keywords.onlyAnnotations(Schemas.without(no, "type"), null)) {
      Set<JsonType> excluded = JsonType.allowed(no, where);
      JsonArray keep = new JsonArray();
      boolean integersExcluded = excluded.contains(JsonType.INTEGER)
          && !excluded.contains(JsonType.NUMBER);
      if (integersExcluded && JsonType.allowed(rest, where).contains(JsonType.NUMBER)) {
        throw new IllegalArgumentException(where + ": not {type: integer} beside number is not"
            + " supported");
      }
      for (JsonType t : JsonType.values()) {
        // Without integers, "number" would be the non-integers, which no rule writes: only
        // where the rest allows no number anyway (it allows integers or nothing numeric).
        if (!excluded.contains(t) && !(integersExcluded && t == JsonType.NUMBER)) {
          keep.add(t.keyword);
        }
      }
      extra.add("type", keep);
    } else if (Keywords.onlyAnnotations(Schemas.without(no, "required"), null)
        && no.get("required").isJsonArray() && no.getAsJsonArray("required").size() > 0
        && allStrings(no.getAsJsonArray("required"))) {
      // An object missing at least one of the names.
      extra.addProperty("type", "object");
      JsonArray anyOf = new JsonArray();
      for (JsonElement name : no.getAsJsonArray("required")) {
        JsonObject props = new JsonObject();
        props.add(name.getAsString(), new com.google.gson.JsonPrimitive(false));
        JsonObject branch = new JsonObject();
        branch.add("properties", props);
        anyOf.add(branch);
      }
      if (anyOf.size() == 1) {
        extra.add("properties", anyOf.get(0).getAsJsonObject().get("properties"));
      } else {
        extra.add("anyOf", anyOf);
      }
    } else if (Keywords.onlyAnnotations(Schemas.without(no, "enum", "const"), null)
        && (no.has("const") ? no.get("const").isJsonPrimitive()
            && no.get("const").getAsJsonPrimitive().isString()
            : no.get("enum").isJsonArray() && allStrings(no.getAsJsonArray("enum")))) {
      JsonArray values = new JsonArray();
      if (no.has("const")) {
        values.add(no.get("const"));
      } else {
        values = no.getAsJsonArray("enum");
      }
      extra.add(ScalarRules.NOT_STRINGS, values);
    } else {
      throw new IllegalArgumentException(where + ": keyword \"not\" is supported only with a"
          + " type, required names, string enum/const, or anyOf of those");
    }
    return extra;
  }

  /**
   * The schema without {@code properties} entries that accept anything (they constrain nothing
   * where no keyword refers to the declared names), and without {@code properties} if none is
   * left.
   */
  private static JsonObject withoutTrivialProperties(JsonObject o) {
    JsonElement p = o.get("properties");
    if (p == null || !p.isJsonObject() || o.has("additionalProperties")
        || o.has("patternProperties") || o.has("unevaluatedProperties")) {
      return o;
    }
    JsonObject kept = new JsonObject();
    for (Map.Entry<String, JsonElement> e : p.getAsJsonObject().entrySet()) {
      if (!Keywords.isTrivial(e.getValue())) {
        kept.add(e.getKey(), e.getValue());
      }
    }
    if (kept.size() == p.getAsJsonObject().size()) {
      return o;
    }
    JsonObject out = Schemas.without(o, "properties");
    if (kept.size() > 0) {
      out.add("properties", kept);
    }
    return out;
  }

  /**
   * {@code dependencies}, {@code dependentRequired} and {@code dependentSchemas}: for each
   * trigger name, the object either lacks it or satisfies the dependency ({@code anyOf} of the
   * two, merged with the rest of the schema).
   */
  private String visitDependencies(JsonObject o, String ptr) {
    JsonElement acc = Schemas.without(o, "dependencies", "dependentRequired", "dependentSchemas");
    for (String key : new String[] {"dependencies", "dependentRequired", "dependentSchemas"}) {
      if (!o.has(key)) {
        continue;
      }
      JsonObject deps = Schemas.object(o, key, ptr);
      for (String name : deps.keySet()) {
        String where = Keywords.child(Keywords.child(ptr, key), name);
        JsonElement dep = deps.get(name);
        JsonObject absent = new JsonObject();
        JsonObject props = new JsonObject();
        props.add(name, new com.google.gson.JsonPrimitive(false));
        absent.add("properties", props);
        JsonObject present = new JsonObject();
        JsonArray req = new JsonArray();
        req.add(name);
        if (dep.isJsonArray()) {
          if (!allStrings(dep.getAsJsonArray())) {
            throw new IllegalArgumentException(where + ": must be an array of names or a schema");
          }
          dep.getAsJsonArray().forEach(req::add);
          present.add("required", req);
        } else {
          JsonObject trigger = new JsonObject();
          trigger.add("required", req);
          present = SchemaMerger.allOf(trigger, dep);
        }
        JsonObject either = new JsonObject();
        JsonArray anyOf = new JsonArray();
        anyOf.add(absent);
        anyOf.add(present);
        either.add("anyOf", anyOf);
        acc = merger.merge(acc, either, where);
      }
    }
    return visit(acc, ptr);
  }

  private static boolean allStrings(JsonArray a) {
    for (JsonElement e : a) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The schema a {@code $ref} object stands for, its siblings merged where the draft says so: an
   * object without {@code $ref}, or the boolean schema {@code false}.
   */
  JsonElement inlineRef(JsonObject o, String ptr) {
    int guard = 0;
    while (o.has("$ref")) {
      step(ptr);
      if (++guard > MAX_DEPTH) {
        throw new IllegalArgumentException(ptr + ": $ref chain longer than " + MAX_DEPTH);
      }
      String ref = Schemas.string(o, "$ref", ptr);
      JsonElement target = resolve(ref, ptr);
      if (Keywords.isFalse(target)) {
        return target;
      }
      JsonObject t = target.isJsonObject() ? target.getAsJsonObject() : new JsonObject();
      if (refSiblingsIgnored || Keywords.onlyAnnotations(o, "$ref")) {
        o = t;
      } else {
        JsonElement m = merger.merge(t, Schemas.without(o, "$ref"), ptr);
        if (!m.isJsonObject()) {
          return m;
        }
        o = m.getAsJsonObject();
      }
    }
    return o;
  }

  private String refRule(String ref, String ptr) {
    String key = canonicalRef(ref, ptr);
    String name = refRules.get(key);
    if (name != null) {
      return name;
    }
    JsonElement target = resolve(ref, ptr);
    String hint = key.substring(key.lastIndexOf('/') + 1);
    name = rules.reserve(hint.isEmpty() ? "ref" : hint);
    refRules.put(key, name);
    String body = visit(target, key);
    if (body == null) {
      throw new IllegalArgumentException(ptr + ": $ref \"" + ref + "\" accepts no instance");
    }
    rules.define(name, body);
    return name;
  }

  private String canonicalRef(String ref, String ptr) {
    int hash = ref.indexOf('#');
    String base = hash < 0 ? ref : ref.substring(0, hash);
    String frag = hash < 0 ? "" : ref.substring(hash + 1);
    if (!base.isEmpty() && !sameDocument(base)) {
      throw new IllegalArgumentException(Keywords.child(ptr, "$ref") + ": \"" + ref
          + "\" refers outside the schema document (not supported)");
    }
    try {
      frag = URLDecoder.decode(frag.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Keywords.child(ptr, "$ref") + ": \"" + ref
          + "\" is not a valid URI fragment");
    }
    return "#" + frag;
  }

  private boolean sameDocument(String base) {
    if (rootId == null) {
      return false;
    }
    String id = rootId.endsWith("#") ? rootId.substring(0, rootId.length() - 1) : rootId;
    return id.equals(base) || id.endsWith("/" + base);
  }

  /** The schema a reference points to within the document. */
  JsonElement resolve(String ref, String ptr) {
    String frag = canonicalRef(ref, ptr).substring(1);
    if (frag.isEmpty()) {
      return root;
    }
    if (!frag.startsWith("/")) {
      String target = anchors().get(frag);
      if (target == null) {
        throw new IllegalArgumentException(Keywords.child(ptr, "$ref") + ": \"" + ref
            + "\": no $anchor or $id \"#" + frag + "\" in the schema");
      }
      return resolve(target, ptr);
    }
    JsonElement cur = root;
    for (String raw : frag.substring(1).split("/", -1)) {
      String seg = raw.replace("~1", "/").replace("~0", "~");
      if (cur.isJsonObject() && cur.getAsJsonObject().has(seg)) {
        cur = cur.getAsJsonObject().get(seg);
      } else if (cur.isJsonArray() && seg.matches("0|[1-9][0-9]{0,8}")
          && Integer.parseInt(seg) < cur.getAsJsonArray().size()) {
        cur = cur.getAsJsonArray().get(Integer.parseInt(seg));
      } else {
        throw new IllegalArgumentException(Keywords.child(ptr, "$ref") + ": \"" + ref
            + "\" points to nothing");
      }
    }
    return cur;
  }

  private Map<String, String> anchors() {
    if (anchors == null) {
      anchors = new HashMap<>();
      collectAnchors(root, "#", 0);
    }
    return anchors;
  }

  private void collectAnchors(JsonElement e, String ptr, int level) {
    if (level > MAX_DEPTH) {
      return;
    }
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      for (String k : new String[] {"$anchor", "$id", "id"}) {
        JsonElement a = o.get(k);
        if (a != null && a.isJsonPrimitive() && a.getAsJsonPrimitive().isString()) {
          String v = a.getAsString();
          String name = k.equals("$anchor") ? v : v.startsWith("#") ? v.substring(1) : null;
          if (name != null && !name.isEmpty()) {
            anchors.putIfAbsent(name, ptr);
          }
        }
      }
      for (String k : o.keySet()) {
        collectAnchors(o.get(k), Keywords.child(ptr, k), level + 1);
      }
    } else if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        collectAnchors(a.get(i), ptr + "/" + i, level + 1);
      }
    }
  }

  /**
   * {@code oneOf} branches that each only require one property name (exactly one of the names
   * present) rewritten so that each also forbids the other names, which makes them disjoint and
   * keeps their meaning under {@code oneOf}; other branch lists are returned as they are.
   */
  private static JsonArray exclusiveRequired(JsonArray branches) {
    List<String> names = new ArrayList<>();
    for (JsonElement b : branches) {
      if (!b.isJsonObject() || !Keywords.onlyAnnotations(Schemas.without(b.getAsJsonObject(),
          "required"), null)) {
        return branches;
      }
      JsonElement r = b.getAsJsonObject().get("required");
      if (r == null || !r.isJsonArray() || r.getAsJsonArray().size() != 1
          || !r.getAsJsonArray().get(0).isJsonPrimitive()
          || names.contains(r.getAsJsonArray().get(0).getAsString())) {
        return branches;
      }
      names.add(r.getAsJsonArray().get(0).getAsString());
    }
    JsonArray out = new JsonArray();
    for (String name : names) {
      JsonObject b = new JsonObject();
      JsonArray req = new JsonArray();
      req.add(name);
      b.add("required", req);
      JsonObject props = new JsonObject();
      for (String other : names) {
        if (!other.equals(name)) {
          props.add(other, new com.google.gson.JsonPrimitive(false));
        }
      }
      b.add("properties", props);
      out.add(b);
    }
    return out;
  }

  /** Throws unless the branches provably never accept the same instance. */
  void requireDisjoint(JsonArray branches, String where) {
    Disjointness d = new Disjointness(this);
    for (int i = 0; i < branches.size(); i++) {
      for (int j = i + 1; j < branches.size(); j++) {
        if (!d.disjoint(branches.get(i), branches.get(j), where)) {
          throw new IllegalArgumentException(where + ": oneOf branches " + i + " and " + j
              + " may both accept an instance (supported only when types, const/enum values or a"
              + " required property tell the branches apart)");
        }
      }
    }
  }

  private String flat(JsonObject o, String ptr) {
    for (String k : new String[] {"$dynamicRef", "$recursiveRef", "disallow", "extends",
        "divisibleBy"}) {
      if (o.has(k)) {
        throw unsupported(ptr, k);
      }
    }
    if (o.has("if") && (o.has("then") || o.has("else"))) {
      throw unsupported(ptr, "if");
    }
    Set<JsonType> types = JsonType.allowed(o, ptr);
    if (o.has("enum") || o.has("const")) {
      return enumRule(o, ptr);
    }
    List<String> alts = new ArrayList<>();
    for (JsonType t : types) {
      String e;
      switch (t) {
        case NULL: e = "\"null\""; break;
        case BOOLEAN: e = "(\"true\" | \"false\")"; break;
        case INTEGER: e = types.contains(JsonType.NUMBER) ? null : scalars.number(o, true, ptr);
          break;
        case NUMBER: e = scalars.number(o, false, ptr); break;
        case STRING: e = scalars.string(o, ptr); break;
        case ARRAY: e = structures.array(o, ptr); break;
        default: e = structures.object(o, ptr); break;
      }
      if (e != null) {
        alts.add(e);
      }
    }
    return union(alts);
  }

  static IllegalArgumentException unsupported(String ptr, String keyword) {
    return new IllegalArgumentException(Keywords.child(ptr, keyword) + ": keyword \"" + keyword
        + "\" is not supported");
  }

  private String enumRule(JsonObject o, String ptr) {
    List<JsonElement> values = new ArrayList<>();
    if (o.has("const")) {
      values.add(o.get("const"));
    } else {
      for (JsonElement v : Schemas.array(o, "enum", ptr)) {
        values.add(v);
      }
    }
    JsonObject rest = Schemas.without(o, "const", "enum");
    List<String> alts = new ArrayList<>();
    for (JsonElement v : values) {
      step(ptr);
      if (o.has("const") && o.has("enum") && !ValueCheck.inEnum(o.get("enum"), v, ptr)) {
        continue;
      }
      if (ValueCheck.accepts(rest, v, ptr)) {
        alts.add(GbnfRules.literal(Schemas.compact(v)));
      }
    }
    return union(alts);
  }

  /** An alternation, null if there is no alternative. */
  static String union(List<String> alts) {
    if (alts.isEmpty()) {
      return null;
    }
    if (alts.size() == 1) {
      return alts.get(0);
    }
    return "(" + String.join(" | ", new java.util.LinkedHashSet<>(alts)) + ")";
  }

  /** The rule for any JSON value. */
  String anyValue() {
    if (!rules.has("value")) {
      String w = ws();
      rules.defineFixed("value", "object | array | string | number | (\"true\" | \"false\")"
          + " | \"null\"");
      rules.defineFixed("object", "\"{\"" + w + " (string" + w + " \":\"" + w + " value" + w
          + " (\",\"" + w + " string" + w + " \":\"" + w + " value" + w + ")*)? \"}\"");
      rules.defineFixed("array", "\"[\"" + w + " (value" + w + " (\",\"" + w + " value" + w
          + ")*)? \"]\"");
      stringRule();
      numberRule();
    }
    return "value";
  }

  /** The rule for any JSON string. */
  String stringRule() {
    if (!rules.has("string")) {
      charRule();
      rules.defineFixed("string", "\"\\\"\" char* \"\\\"\"");
    }
    return "string";
  }

  /** The rule for one character of a JSON string, as any spelling. */
  String charRule() {
    if (!rules.has("char")) {
      rules.defineFixed("hex", "[0-9a-fA-F]");
      rules.defineFixed("char", "[^\"\\\\\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" hex{4})");
    }
    return "char";
  }

  /** The rule for any JSON number. */
  String numberRule() {
    if (!rules.has("number")) {
      rules.defineFixed("number", "\"-\"? (\"0\" | [1-9] [0-9]*) (\".\" [0-9]+)?"
          + " ([eE] [-+]? [0-9]+)?");
    }
    return "number";
  }
}
