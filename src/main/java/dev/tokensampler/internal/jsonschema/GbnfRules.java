package dev.tokensampler.internal.jsonschema;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one GBNF grammar under construction: names to bodies, in order of first use, with
 * identical bodies shared under one name and the total text bounded.
 */
final class GbnfRules {
  private final Map<String, String> bodies = new LinkedHashMap<>();
  private final Map<String, String> nameOfBody = new HashMap<>();
  private final Map<String, Integer> nextSuffix = new HashMap<>();
  private static final Set<String> RESERVED = Set.of("root", "value", "object", "array", "string", "char", "lchar", "number",
      "integer", "boolean", "null", "ws", "hex", "key-char");
  private final long maxChars;
  private long chars;

  GbnfRules(long maxChars) {
    this.maxChars = maxChars;
  }

  /**
   * Adds a rule with the given body, or returns the name of an existing rule with the same body.
   *
   * @param hint a name to start from (letters, digits and '-' are kept)
   * @param body the GBNF body
   * @return the rule's name
   */
  String add(String hint, String body) {
    String existing = nameOfBody.get(body);
    if (existing != null) {
      return existing;
    }
    String name = reserve(hint);
    define(name, body);
    return name;
  }

  /** Reserves a fresh name (for a rule whose body is defined later, as a recursive one). */
  String reserve(String hint) {
    String base = sanitize(hint);
    if (RESERVED.contains(base) || base.startsWith("fmt-")) {
      base = "r-" + base;
    }
    String name = base;
    int n = nextSuffix.getOrDefault(base, 0);
    while (bodies.containsKey(name)) {
      n++;
      name = base + "-" + n;
    }
    nextSuffix.put(base, n);
    bodies.put(name, null);
    return name;
  }

  /** Defines a rule under a fixed name (a built-in such as {@code value} or {@code fmt-date}). */
  void defineFixed(String name, String body) {
    if (bodies.containsKey(name)) {
      throw new IllegalStateException("rule " + name + " defined twice");
    }
    bodies.put(name, null);
    define(name, body);
  }

  boolean has(String name) {
    return bodies.containsKey(name);
  }

  /** Defines the body of a reserved name. */
  void define(String name, String body) {
    bodies.put(name, body);
    nameOfBody.putIfAbsent(body, name);
    chars += name.length() + body.length() + 6;
    if (chars > maxChars) {
      throw new IllegalArgumentException("schema: the grammar exceeds maxGrammarChars = " + maxChars
          + " characters");
    }
  }

  /** The grammar text, {@code root} first. */
  String render(String rootBody) {
    if (chars + rootBody.length() > maxChars) {
      throw new IllegalArgumentException("schema: the grammar exceeds maxGrammarChars = " + maxChars
          + " characters");
    }
    StringBuilder out = new StringBuilder(Math.toIntExact(chars + rootBody.length() + 16));
    out.append("root ::= ").append(rootBody).append('\n');
    for (Map.Entry<String, String> e : bodies.entrySet()) {
      if (e.getValue() == null) {
        throw new IllegalStateException("rule " + e.getKey() + " was never defined");
      }
      out.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
    }
    return out.toString();
  }

  private static String sanitize(String hint) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < hint.length() && b.length() < 40; i++) {
      char c = hint.charAt(i);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
        b.append(c);
      } else if (b.length() > 0 && b.charAt(b.length() - 1) != '-') {
        b.append('-');
      }
    }
    while (b.length() > 0 && b.charAt(b.length() - 1) == '-') {
      b.setLength(b.length() - 1);
    }
    return b.length() == 0 ? "r" : b.toString();
  }

  /** A GBNF literal matching exactly {@code text}. */
  static String literal(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    text.codePoints().forEach(c -> appendEscaped(b, c, false));
    return b.append('"').toString();
  }

  /** A GBNF character class with the given inclusive code point ranges (pairs), or negated. */
  static String charClass(int[] ranges, boolean negated) {
    StringBuilder b = new StringBuilder("[");
    if (negated) {
      b.append('^');
    }
    for (int i = 0; i < ranges.length; i += 2) {
      appendEscaped(b, ranges[i], true);
      if (ranges[i + 1] != ranges[i]) {
        if (ranges[i + 1] > ranges[i] + 1) {
          b.append('-');
        }
        appendEscaped(b, ranges[i + 1], true);
      }
    }
    return b.append(']').toString();
  }

  private static void appendEscaped(StringBuilder b, int c, boolean inClass) {
    switch (c) {
      case '"': b.append(inClass ? "\"" : "\\\""); return;
      case '\\': b.append("\\\\"); return;
      case '\n': b.append("\\n"); return;
      case '\r': b.append("\\r"); return;
      case '\t': b.append("\\t"); return;
      default:
    }
    if (inClass && (c == ']' || c == '[')) {
      b.append('\\').append((char) c);
    } else if (c < 0x20 || c == 0x7F || inClass && (c == '-' || c == '^')) {
      b.append(String.format("\\x%02X", c));
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      b.append(String.format("\\u%04X", c));
    } else {
      b.appendCodePoint(c);
    }
  }
}
