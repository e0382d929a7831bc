package dev.tokensampler.internal.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a regular expression into a {@link ByteGrammar} matching exactly the strings the
 * expression matches as a whole (as {@link java.util.regex.Matcher#matches} does, default flags).
 *
 * <p>The subset: literals; escapes {@code \t \n \r \f \a \e}, {@code \xHH}, {@code \x{H..}},
 * {@code \\uHHHH} and escaped punctuation; classes {@code [...]} and {@code [^...]} with ranges;
 * {@code \d \w \s} and their negations {@code \D \W \S} (ASCII, as in {@code java.util.regex});
 * {@code .} (any character but the line terminators {@code \n \r \u0085 \u2028 \u2029});
 * groups {@code (...)}, {@code (?:...)} and {@code (?<name>...)}; alternation; the quantifiers
 * {@code ? * + {n} {n,} {n,m}} and their lazy forms (which match the same strings); {@code ^} at
 * the start and {@code $} at the end. Anything else (backreferences, lookaround, word boundaries,
 * possessive quantifiers, inline flags, Unicode properties, class intersections) is an
 * {@link IllegalArgumentException} naming it and its index.
 */
public final class RegexParser {
  private static final int MAX_NESTING = 500;

  private final String src;
  private final GrammarBuilder builder = new GrammarBuilder();
  private int pos;
  private int nesting;
  private int groups;

  private RegexParser(String src) {
    this.src = src;
  }

  /**
   * Parses a pattern.
   *
   * @param pattern the pattern
   * @return the grammar of the strings it matches whole
   * @throws IllegalArgumentException with the index and the reason if the pattern is invalid or
   *     outside the subset, or exceeds the limits of {@link GrammarBuilder}
   */
  public static ByteGrammar parse(String pattern) {
    return new RegexParser(pattern).parseAll();
  }

  private ByteGrammar parseAll() {
    int root = builder.declare("regex");
    if (src.startsWith("^")) {
      pos = 1;
    }
    List<int[]> alts = alternation();
    if (pos < src.length()) {
      throw error(pos, src.charAt(pos) == ')' ? "unmatched ')'" : "unexpected " + describe(pos));
    }
    builder.define(root, alts);
    try {
      return builder.build(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("regex: " + e.getMessage(), e);
    }
  }

  private List<int[]> alternation() {
    if (++nesting > MAX_NESTING) {
      throw error(pos, "groups nested deeper than " + MAX_NESTING);
    }
    List<int[]> alts = new ArrayList<>();
    alts.add(concatenation());
    while (pos < src.length() && src.charAt(pos) == '|') {
      pos++;
      alts.add(concatenation());
    }
    nesting--;
    return alts;
  }

  private int[] concatenation() {
    IntList seq = new IntList();
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '|' || c == ')') {
        break;
      }
      if (c == '$') {
        if (pos == src.length() - 1) {
          pos++;
          break;
        }
        throw error(pos, "'$' is supported only at the end of the pattern");
      }
      int at = pos;
      int element = atom();
      quantified(seq, element, at);
    }
    return seq.toArray();
  }

  private void quantified(IntList seq, int element, int at) {
    if (pos >= src.length()) {
      seq.add(element);
      return;
    }
    char c = src.charAt(pos);
    int min;
    int max;
    int qAt = pos;
    if (c == '*' || c == '+' || c == '?') {
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
      pos++;
    } else if (c == '{') {
      pos++;
      min = integer();
      max = min;
      if (pos < src.length() && src.charAt(pos) == ',') {
        pos++;
        max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? integer() : -1;
      }
      if (pos >= src.length() || src.charAt(pos) != '}') {
        throw error(qAt, "expecting '}' to close the quantifier");
      }
      pos++;
      if (max >= 0 && max < min) {
        throw error(qAt, "quantifier {" + min + "," + max + "}: maximum below minimum");
      }
    } else {
      seq.add(element);
      return;
    }
    if (pos < src.length() && src.charAt(pos) == '+') {
      throw error(pos, "possessive quantifiers are not supported");
    }
    if (pos < src.length() && src.charAt(pos) == '?') {
      pos++; // lazy: matches the same strings
    }
    if (pos < src.length() && "*+?{".indexOf(src.charAt(pos)) >= 0) {
      throw error(pos, "a quantifier after a quantifier is not supported (use a group)");
    }
    try {
      seq.addAll(builder.repeat("regex", element, min, max));
    } catch (IllegalArgumentException e) {
      throw error(qAt, e.getMessage());
    }
  }

  private int atom() {
    int at = pos;
    char c = src.charAt(pos);
    switch (c) {
      case '(':
        return group();
      case '[':
        return builder.charSet(charClass());
      case '.': {
        pos++;
        return builder.charSet(dot());
      }
      case '\\':
        return builder.charSet(escape(false));
      case '*':
      case '+':
      case '?':
      case '{':
        throw error(at, "quantifier '" + c + "' with nothing before it");
      case '^':
        throw error(at, "'^' is supported only at the start of the pattern");
      default: {
        int cp = src.codePointAt(pos);
        if (Character.isSurrogate(c) && cp == c) {
          throw error(pos, "unpaired surrogate in the pattern");
        }
        pos += Character.charCount(cp);
        CodePointSet s = new CodePointSet();
        s.add(cp);
        return builder.charSet(s);
      }
    }
  }

  private int group() {
    int at = pos;
    pos++;
    if (src.startsWith("?", pos)) {
      if (src.startsWith("?:", pos)) {
        pos += 2;
      } else if (src.startsWith("?<", pos) && pos + 2 < src.length()
          && Character.isLetter(src.charAt(pos + 2))) {
        int close = src.indexOf('>', pos);
        if (close < 0) {
          throw error(at, "unterminated group name");
        }
        pos = close + 1;
      } else if (src.startsWith("?=", pos) || src.startsWith("?!", pos)
          || src.startsWith("?<=", pos) || src.startsWith("?<!", pos)) {
        throw error(at, "lookaround is not supported");
      } else {
        throw error(at, "group construct '(" + src.substring(pos, Math.min(src.length(), pos + 3))
            + "' is not supported (inline flags, atomic groups)");
      }
    }
    List<int[]> alts = alternation();
    if (pos >= src.length() || src.charAt(pos) != ')') {
      throw error(at, "unclosed group");
    }
    pos++;
    int rule = builder.declare("regex-" + (++groups));
    builder.define(rule, alts);
    return GrammarBuilder.ref(rule);
  }

  private static CodePointSet dot() {
    CodePointSet s = new CodePointSet();
    s.add('\n');
    s.add('\r');
    s.add(0x85);
    s.add(0x2028, 0x2029);
    return s.complement();
  }

  private CodePointSet charClass() {
    int at = pos;
    pos++;
    boolean negated = pos < src.length() && src.charAt(pos) == '^';
    if (negated) {
      pos++;
    }
    CodePointSet set = new CodePointSet();
    boolean first = true;
    while (true) {
      if (pos >= src.length()) {
        throw error(at, "unclosed character class");
      }
      char c = src.charAt(pos);
      if (c == ']') {
        if (first) {
          throw error(pos, "empty character class (escape a literal ']')");
        }
        pos++;
        break;
      }
      first = false;
      if (c == '[') {
        throw error(pos, "nested character classes are not supported");
      }
      if (c == '&' && src.startsWith("&&", pos)) {
        throw error(pos, "class intersection (&&) is not supported");
      }
      int itemAt = pos;
      CodePointSet lo = classAtom();
      if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
        int loCp = single(lo, itemAt);
        pos++;
        int hiAt = pos;
        if (src.charAt(pos) == '[') {
          throw error(pos, "nested character classes are not supported");
        }
        int hiCp = single(classAtom(), hiAt);
        if (hiCp < loCp) {
          throw error(itemAt, "character range ends below its start");
        }
        set.add(loCp, hiCp);
      } else {
        set.addAll(lo);
      }
    }
    return negated ? set.complement() : set;
  }

  private int single(CodePointSet s, int at) {
    int[] r = s.normalize();
    if (r.length != 2 || r[0] != r[1]) {
      throw error(at, "a class shorthand cannot be a range bound");
    }
    return r[0];
  }

  private CodePointSet classAtom() {
    if (src.charAt(pos) == '\\') {
      return escape(true);
    }
    int cp = src.codePointAt(pos);
    if (Character.isSurrogate(src.charAt(pos)) && cp == src.charAt(pos)) {
      throw error(pos, "unpaired surrogate in the pattern");
    }
    pos += Character.charCount(cp);
    CodePointSet s = new CodePointSet();
    s.add(cp);
    return s;
  }

  private CodePointSet escape(boolean inClass) {
    int at = pos;
    if (pos + 1 >= src.length()) {
      throw error(at, "pattern ends with a lone backslash");
    }
    char e = src.charAt(pos + 1);
    pos += 2;
    CodePointSet s = new CodePointSet();
    switch (e) {
      case 'd':
        s.add('0', '9');
        return s;
      case 'D':
        s.add('0', '9');
        return s.complement();
      case 'w':
        addWord(s);
        return s;
      case 'W':
        addWord(s);
        return s.complement();
      case 's':
        addSpace(s);
        return s;
      case 'S':
        addSpace(s);
        return s.complement();
      case 't':
        s.add('\t');
        return s;
      case 'n':
        s.add('\n');
        return s;
      case 'r':
        s.add('\r');
        return s;
      case 'f':
        s.add('\f');
        return s;
      case 'a':
        s.add(7);
        return s;
      case 'e':
        s.add(0x1B);
        return s;
      case 'x': {
        int cp;
        if (pos < src.length() && src.charAt(pos) == '{') {
          int close = src.indexOf('}', pos);
          if (close < 0 || close == pos + 1 || close - pos > 9) {
            throw error(at, "malformed \\x{...} escape");
          }
          cp = hex(at, pos + 1, close);
          pos = close + 1;
        } else {
          cp = hex(at, pos, pos + 2);
          pos += 2;
        }
        s.add(cp);
        return s;
      }
      case 'u': {
        int cp = hex(at, pos, pos + 4);
        pos += 4;
        s.add(cp);
        return s;
      }
      case 'b':
      case 'B':
      case 'A':
      case 'z':
      case 'Z':
      case 'G':
        throw error(at, "anchor '\\" + e + "' is not supported");
      case 'k':
        throw error(at, "backreferences are not supported");
      case 'p':
      case 'P':
        throw error(at, "Unicode properties (\\" + e + ") are not supported");
      case 'Q':
        throw error(at, "quoting (\\Q...\\E) is not supported");
      default:
        if (e >= '0' && e <= '9') {
          throw error(at, "backreferences are not supported");
        }
        if (Character.isLetterOrDigit(e) || e > 0x7F) {
          throw error(at, "escape '\\" + e + "' is not supported");
        }
        s.add(e);
        return s;
    }
  }

  private static void addWord(CodePointSet s) {
    s.add('a', 'z');
    s.add('A', 'Z');
    s.add('0', '9');
    s.add('_');
  }

  private static void addSpace(CodePointSet s) {
    s.add(' ');
    s.add('\t', '\r'); // \t \n \x0B \f \r
  }

  private int hex(int at, int from, int to) {
    if (to > src.length()) {
      throw error(at, "incomplete hex escape");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(src.charAt(i), 16);
      if (d < 0) {
        throw error(at, "bad hex digit in escape");
      }
      v = v * 16 + d;
    }
    if (v > CodePointSet.MAX || (v >= 0xD800 && v <= 0xDFFF)) {
      throw error(at, String.format("U+%X is not a Unicode scalar value", v));
    }
    return (int) v;
  }

  private int integer() {
    int start = pos;
    long v = 0;
    while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
      v = v * 10 + (src.charAt(pos) - '0');
      if (v > GrammarBuilder.MAX_ELEMENTS) {
        throw error(start, "repetition count above " + GrammarBuilder.MAX_ELEMENTS);
      }
      pos++;
    }
    if (pos == start) {
      throw error(pos, "expecting a number in the quantifier");
    }
    return (int) v;
  }

  private String describe(int p) {
    int end = Math.min(src.length(), p + 20);
    return "'" + src.substring(p, end) + (end < src.length() ? "...'" : "'");
  }

  private IllegalArgumentException error(int p, String reason) {
    return new IllegalArgumentException("regex at index " + p + ": " + reason
        + (p < src.length() ? " (at " + describe(p) + ")" : ""));
  }
}
