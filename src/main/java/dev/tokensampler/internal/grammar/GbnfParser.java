package dev.tokensampler.internal.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses llama.cpp's GBNF grammar format into a {@link ByteGrammar}.
 *
 * <p>Syntax, as llama.cpp reads it: rules {@code name ::= alternatives}, one per line (a rule goes
 * on past a line end only inside parentheses or after {@code |}); names of letters, digits,
 * {@code -} and {@code _}; {@code #} comments; string literals {@code "..."}; character classes
 * {@code [a-z]} and {@code [^...]}; {@code .} for any character; groups; {@code |};
 * postfix {@code * + ?} and {@code {m} {m,} {m,n}}. Escapes: {@code \n \r \t \\ \" \[ \]},
 * {@code \xHH}, {@code \\uHHHH}, {@code \UHHHHHHHH}. Characters are Unicode scalar values matched
 * by their UTF-8 bytes. The start rule is {@code root}. Token references ({@code <...>}) are
 * not supported.
 */
public final class GbnfParser {
  private static final int MAX_NESTING = 500;

  private final String src;
  private final GrammarBuilder builder = new GrammarBuilder();
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<Integer, Integer> firstReference = new HashMap<>();
  private int pos;
  private int nesting;
  private int groupCounter;

  private GbnfParser(String src) {
    this.src = src;
  }

  /**
   * Parses a grammar.
   *
   * @param text the GBNF text
   * @return the compiled grammar
   * @throws IllegalArgumentException with the line and column and the reason, if the text is not
   *     a valid grammar or exceeds the limits of {@link GrammarBuilder}
   */
  public static ByteGrammar parse(String text) {
    GbnfParser p = new GbnfParser(text);
    return p.parseAll();
  }

  private ByteGrammar parseAll() {
    pos = space(0, true);
    java.util.Set<Integer> defined = new java.util.HashSet<>();
    while (pos < src.length()) {
      int start = pos;
      String name = name();
      int id = id(name, start);
      if (!defined.add(id)) {
        throw error(start, "rule '" + name + "' is defined twice");
      }
      pos = space(pos, false);
      if (!src.startsWith("::=", pos)) {
        throw error(pos, "expecting '::='");
      }
      pos = space(pos + 3, true);
      builder.define(id, alternates(name, false));
      if (pos < src.length()) {
        char c = src.charAt(pos);
        if (c == '\r') {
          pos += pos + 1 < src.length() && src.charAt(pos + 1) == '\n' ? 2 : 1;
        } else if (c == '\n') {
          pos++;
        } else {
          throw error(pos, "expecting newline or end of rule, found " + describe(pos));
        }
      }
      pos = space(pos, true);
    }
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      if (!defined.contains(e.getValue())) {
        throw error(firstReference.get(e.getValue()), "rule '" + e.getKey() + "' is not defined");
      }
    }
    Integer root = ids.get("root");
    if (root == null) {
      throw new IllegalArgumentException("GBNF: no rule 'root' (the start rule)");
    }
    try {
      return builder.build(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GBNF: " + e.getMessage(), e);
    }
  }

  private int id(String name, int at) {
    Integer id = ids.get(name);
    if (id == null) {
      id = builder.declare(name);
      ids.put(name, id);
      firstReference.put(id, at);
    }
    return id;
  }

  private List<int[]> alternates(String ruleName, boolean nested) {
    if (++nesting > MAX_NESTING) {
      throw error(pos, "groups nested deeper than " + MAX_NESTING);
    }
    List<int[]> alts = new ArrayList<>();
    alts.add(sequence(ruleName, nested));
    while (pos < src.length() && src.charAt(pos) == '|') {
      pos = space(pos + 1, true);
      alts.add(sequence(ruleName, nested));
    }
    nesting--;
    return alts;
  }

  private int[] sequence(String ruleName, boolean nested) {
    IntList seq = new IntList();
    int lastStart = -1;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      int at = pos;
      if (c == '"') {
        pos++;
        lastStart = seq.size();
        while (true) {
          if (pos >= src.length()) {
            throw error(at, "unterminated string literal");
          }
          if (src.charAt(pos) == '"') {
            break;
          }
          builder.appendCodePoint(seq, character());
        }
        pos = space(pos + 1, nested);
      } else if (c == '[') {
        pos++;
        boolean negated = pos < src.length() && src.charAt(pos) == '^';
        if (negated) {
          pos++;
        }
        CodePointSet set = new CodePointSet();
        while (true) {
          if (pos >= src.length()) {
            throw error(at, "unterminated character class");
          }
          if (src.charAt(pos) == ']') {
            break;
          }
          int rangeAt = pos;
          int lo = character();
          int hi = lo;
          if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
            pos++;
            hi = character();
            if (hi < lo) {
              throw error(rangeAt, "character range ends below its start");
            }
          }
          set.add(lo, hi);
        }
        lastStart = seq.size();
        seq.add(builder.charSet(negated ? set.complement() : set));
        pos = space(pos + 1, nested);
      } else if (c == '<' || c == '!') {
        throw error(at, "token references (<...>) are not supported");
      } else if (isWordChar(c)) {
        String name = name();
        lastStart = seq.size();
        seq.add(GrammarBuilder.ref(id(name, at)));
        pos = space(pos, nested);
      } else if (c == '(') {
        pos = space(pos + 1, true);
        List<int[]> alts = alternates(ruleName, true);
        if (pos >= src.length() || src.charAt(pos) != ')') {
          throw error(pos, "expecting ')' to close the group opened at " + lineColumn(at));
        }
        int group = builder.declare(ruleName + "-" + (++groupCounter));
        builder.define(group, alts);
        lastStart = seq.size();
        seq.add(GrammarBuilder.ref(group));
        pos = space(pos + 1, nested);
      } else if (c == '.') {
        lastStart = seq.size();
        seq.add(builder.charSet(CodePointSet.all()));
        pos = space(pos + 1, nested);
      } else if (c == '*' || c == '+' || c == '?' || c == '{') {
        int min;
        int max;
        if (c == '{') {
          pos = space(pos + 1, nested);
          min = integer();
          pos = space(pos, nested);
          max = min;
          if (pos < src.length() && src.charAt(pos) == ',') {
            pos = space(pos + 1, nested);
            max = pos < src.length() && isDigit(src.charAt(pos)) ? integer() : -1;
            pos = space(pos, nested);
          }
          if (pos >= src.length() || src.charAt(pos) != '}') {
            throw error(pos, "expecting '}' to close the repetition");
          }
          if (max >= 0 && max < min) {
            throw error(at, "repetition {" + min + "," + max + "}: maximum below minimum");
          }
        } else {
          min = c == '+' ? 1 : 0;
          max = c == '?' ? 1 : -1;
        }
        pos = space(pos + 1, nested);
        if (lastStart < 0) {
          throw error(at, "expecting an item before '" + c + "'");
        }
        int[] item = seq.toArray(lastStart);
        seq.truncate(lastStart);
        if (item.length > 0) {
          int element = item[0];
          if (item.length > 1) {
            int wrapped = builder.declare(ruleName + "-" + (++groupCounter));
            builder.define(wrapped, List.<int[]>of(item));
            element = GrammarBuilder.ref(wrapped);
          }
          try {
            seq.addAll(builder.repeat(ruleName, element, min, max));
          } catch (IllegalArgumentException e) {
            throw error(at, e.getMessage());
          }
        }
      } else {
        break;
      }
    }
    return seq.toArray();
  }

  private int integer() {
    int start = pos;
    long v = 0;
    while (pos < src.length() && isDigit(src.charAt(pos))) {
      v = v * 10 + (src.charAt(pos) - '0');
      if (v > GrammarBuilder.MAX_ELEMENTS) {
        throw error(start, "repetition count above " + GrammarBuilder.MAX_ELEMENTS);
      }
      pos++;
    }
    if (pos == start) {
      throw error(pos, "expecting an integer");
    }
    return (int) v;
  }

  private int character() {
    char c = src.charAt(pos);
    if (c != '\\') {
      int cp = src.codePointAt(pos);
      if (Character.isSurrogate(c) && cp == c) {
        throw error(pos, "unpaired surrogate in the text");
      }
      pos += Character.charCount(cp);
      return cp;
    }
    int at = pos;
    if (pos + 1 >= src.length()) {
      throw error(at, "unfinished escape at end of input");
    }
    char e = src.charAt(pos + 1);
    pos += 2;
    switch (e) {
      case 'x':
        return hex(at, 2);
      case 'u':
        return hex(at, 4);
      case 'U':
        return hex(at, 8);
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'n':
        return '\n';
      case '\\':
      case '"':
      case '[':
      case ']':
        return e;
      default:
        throw error(at, "unknown escape '\\" + e + "'");
    }
  }

  private int hex(int at, int digits) {
    long v = 0;
    for (int i = 0; i < digits; i++) {
      int d = pos < src.length() ? Character.digit(src.charAt(pos), 16) : -1;
      if (d < 0) {
        throw error(at, "expecting " + digits + " hex digits");
      }
      v = v * 16 + d;
      pos++;
    }
    if (v > CodePointSet.MAX || (v >= 0xD800 && v <= 0xDFFF)) {
      throw error(at, String.format("U+%X is not a Unicode scalar value", v));
    }
    return (int) v;
  }

  private String name() {
    int start = pos;
    while (pos < src.length() && isWordChar(src.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error(pos, "expecting a rule name, found " + describe(pos));
    }
    return src.substring(start, pos);
  }

  private int space(int p, boolean newlineOk) {
    while (p < src.length()) {
      char c = src.charAt(p);
      if (c == ' ' || c == '\t' || (newlineOk && (c == '\r' || c == '\n'))) {
        p++;
      } else if (c == '#') {
        while (p < src.length() && src.charAt(p) != '\r' && src.charAt(p) != '\n') {
          p++;
        }
      } else {
        break;
      }
    }
    return p;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '-' || c == '_';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private String describe(int p) {
    if (p >= src.length()) {
      return "end of input";
    }
    int end = Math.min(src.length(), p + 20);
    return "'" + src.substring(p, end).replace("\n", "\\n") + (end < src.length() ? "...'" : "'");
  }

  private String lineColumn(int p) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < p && i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return line + ":" + col;
  }

  private IllegalArgumentException error(int p, String reason) {
    return new IllegalArgumentException("GBNF " + lineColumn(p) + ": " + reason);
  }
}
