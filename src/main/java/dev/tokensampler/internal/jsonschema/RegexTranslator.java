package dev.tokensampler.internal.jsonschema;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates a JSON Schema {@code pattern} (an ECMA-262 regular expression, searched anywhere in
 * the string unless anchored) into a GBNF expression over the string's JSON spelling (between the
 * quotes).
 *
 * <p>Supported: literals and escapes (<code>\t \n \r \f \v \0 \xHH &#92;uHHHH &#92;u{H...}</code> and escaped
 * punctuation), {@code .}, classes with ranges and negation, {@code \d \w \s} (ASCII) and
 * {@code \D \W} (ASCII only, as a Unicode-aware validator may count other characters as digits or
 * word characters) and {@code \S}, groups (capturing, non-capturing, named), alternation,
 * quantifiers {@code * + ? {n} {n,} {n,m}} (lazy forms match the same strings), and {@code ^} /
 * {@code $} at the start / end of a top-level alternative. A pattern not anchored at the start may
 * be preceded by any characters, one not anchored at the end followed by any.
 *
 * <p>Not supported (an {@link IllegalArgumentException}): backreferences, lookaround, word
 * boundaries, Unicode property escapes, anchors elsewhere, and a repetition count whose lower bound
 * exceeds the limit. An upper bound above the limit is lowered to it (the grammar then accepts a
 * subset of the pattern's strings).
 */
final class RegexTranslator {
  /** A parsed pattern node rendered to GBNF, with enough shape to merge length bounds. */
  static final class Node {
    final String gbnf;
    /** Non-null when the node is one character set. */
    final CharRanges single;
    /** Fewest and most characters matched (most: -1 for unbounded). */
    long minLen = 1;
    long maxLen = 1;

    Node(String gbnf, CharRanges single) {
      this.gbnf = gbnf;
      this.single = single;
    }

    Node lengths(long min, long max) {
      minLen = min;
      maxLen = max;
      return this;
    }
  }

  /** A top-level pattern that is exactly {@code ^[set]{min,max}$}, else null. */
  static final class SimpleRepeat {
    final CharRanges set;
    final int min;
    final int max;

    SimpleRepeat(CharRanges set, int min, int max) {
      this.set = set;
      this.min = min;
      this.max = max;
    }
  }

  private final String pattern;
  private final String where;
  private final int maxRepeat;
  private final String anyChar;
  private int pos;
  private SimpleRepeat simple;

  private RegexTranslator(String pattern, String where, int maxRepeat, String anyChar) {
    this.pattern = pattern;
    this.where = where;
    this.maxRepeat = maxRepeat;
    this.anyChar = anyChar;
  }

  /**
   * The GBNF expression for the JSON spelling of strings in which {@code pattern} finds a match.
   *
   * @param anyChar the expression for any one JSON string character (for unanchored ends)
   * @return the expression, or null if no string matches
   */
  static String translate(String pattern, String where, int maxRepeat, String anyChar) {
    return new RegexTranslator(pattern, where, maxRepeat, anyChar).top();
  }

  /**
   * The fewest and most characters of a string the pattern's grammar accepts ({@code max} -1 when
   * unbounded, as for every pattern not anchored at both ends).
   */
  static long[] lengths(String pattern, String where, int maxRepeat) {
    RegexTranslator t = new RegexTranslator(pattern, where, maxRepeat, "c");
    t.top();
    return new long[] {t.topMin == Long.MAX_VALUE ? 0 : t.topMin, t.topMax};
  }

  /** The pattern as {@code ^[set]{min,max}$} if it is exactly that shape, else null. */
  static SimpleRepeat simpleRepeat(String pattern, String where, int maxRepeat) {
    RegexTranslator t = new RegexTranslator(pattern, where, maxRepeat, "c");
    t.top();
    return t.simple;
  }

  private IllegalArgumentException error(String reason) {
    String shown = pattern.length() > 80 ? pattern.substring(0, 80) + "..." : pattern;
    return new IllegalArgumentException(
        where + ": pattern \"" + shown + "\" at offset " + pos + ": " + reason);
  }

  private String top() {
    List<String> alts = new ArrayList<>();
    int branches = 0;
    do {
      branches++;
      boolean startAnchored = false;
      while (peek('^')) {
        pos++;
        startAnchored = true;
      }
      List<Node> seq = new ArrayList<>();
      boolean endAnchored = false;
      while (pos < pattern.length() && pattern.charAt(pos) != '|') {
        if (pattern.charAt(pos) == '$') {
          while (peek('$')) {
            pos++;
          }
          if (pos < pattern.length() && pattern.charAt(pos) != '|') {
            throw error("'$' is supported only at the end of a top-level alternative");
          }
          endAnchored = true;
          break;
        }
        seq.add(quantified());
      }
      if (pos < pattern.length() && pattern.charAt(pos) == ')') {
        throw error("unbalanced ')'");
      }
      String body = sequence(seq);
      if (body != null) {
        long[] len = seqLengths(seq);
        topMin = Math.min(topMin, len[0]);
        topMax = topMax < 0 || !startAnchored || !endAnchored || len[1] < 0 ? -1
            : Math.max(topMax, len[1]);
        StringBuilder b = new StringBuilder();
        if (!startAnchored) {
          b.append(anyChar).append("* ");
        }
        b.append(body.isEmpty() ? "" : body);
        if (!endAnchored) {
          b.append(' ').append(anyChar).append('*');
        }
        String alt = b.toString().trim();
        alts.add(alt.isEmpty() ? "\"\"" : alt);
      }
      if (branches == 1 && startAnchored && endAnchored && seq.size() == 1 && lastRepeat != null
          && lastRepeatNode == seq.get(0)) {
        simple = lastRepeat;
      } else if (branches == 1 && startAnchored && endAnchored && seq.size() == 1
          && seq.get(0).single != null) {
        simple = new SimpleRepeat(seq.get(0).single, 1, 1);
      }
    } while (consume('|'));
    if (branches > 1) {
      simple = null;
    }
    if (alts.isEmpty()) {
      return null;
    }
    return alts.size() == 1 ? alts.get(0) : "(" + String.join(" | ", alts) + ")";
  }

  private long topMin = Long.MAX_VALUE;
  private long topMax = 0;
  private SimpleRepeat lastRepeat;
  private Node lastRepeatNode;

  /** {min, max} characters of a sequence (max -1: unbounded). */
  private static long[] seqLengths(List<Node> seq) {
    long min = 0;
    long max = 0;
    for (Node n : seq) {
      if (n == null || n.gbnf == null) {
        continue;
      }
      min = Math.min(min + n.minLen, Integer.MAX_VALUE);
      max = max < 0 || n.maxLen < 0 ? -1 : Math.min(max + n.maxLen, Integer.MAX_VALUE);
    }
    return new long[] {min, max};
  }

  private static String sequence(List<Node> seq) {
    StringBuilder b = new StringBuilder();
    for (Node n : seq) {
      if (n == null || n.gbnf == null) {
        return null;
      }
      if (n.gbnf.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(n.gbnf);
    }
    return b.toString();
  }

  private boolean peek(char c) {
    return pos < pattern.length() && pattern.charAt(pos) == c;
  }

  private boolean consume(char c) {
    if (peek(c)) {
      pos++;
      return true;
    }
    return false;
  }

  /** alternation inside a group */
  private Node alternation() {
    List<String> alts = new ArrayList<>();
    Node onlyNode = null;
    int count = 0;
    long aMin = Long.MAX_VALUE;
    long aMax = 0;
    do {
      count++;
      List<Node> seq = new ArrayList<>();
      while (pos < pattern.length() && pattern.charAt(pos) != '|' && pattern.charAt(pos) != ')') {
        if (peek('^') || peek('$')) {
          throw error("anchors are supported only at the ends of a top-level alternative");
        }
        seq.add(quantified());
      }
      String s = sequence(seq);
      if (s != null) {
        alts.add(s.isEmpty() ? "\"\"" : s);
        long[] len = seqLengths(seq);
        aMin = Math.min(aMin, len[0]);
        aMax = aMax < 0 || len[1] < 0 ? -1 : Math.max(aMax, len[1]);
      }
      onlyNode = seq.size() == 1 ? seq.get(0) : null;
    } while (consume('|'));
    if (alts.isEmpty()) {
      return new Node(null, null);
    }
    if (count == 1 && onlyNode != null) {
      return onlyNode;
    }
    return new Node(alts.size() == 1 ? "(" + alts.get(0) + ")" : "(" + String.join(" | ", alts) + ")",
        null).lengths(aMin, aMax);
  }

  private Node quantified() {
    Node atom = atom();
    int min;
    int max;
    int start = pos;
    if (consume('*')) {
      min = 0;
      max = -1;
    } else if (consume('+')) {
      min = 1;
      max = -1;
    } else if (consume('?')) {
      min = 0;
      max = 1;
    } else if (peek('{') && braceQuantifier()) {
      min = qMin;
      max = qMax;
    } else {
      return atom;
    }
    consume('?'); // lazy: same language
    if (peek('*') || peek('+') || peek('?') || peek('{') && braceAhead()) {
      throw error("nothing to repeat");
    }
    if (atom.gbnf != null && atom.gbnf.isEmpty()) {
      return atom;
    }
    if (min > maxRepeat) {
      throw error("repetition lower bound " + min + " exceeds the limit " + maxRepeat);
    }
    if (max > maxRepeat) {
      max = maxRepeat;
    }
    if (max >= 0 && min > max) {
      throw error("repetition bounds out of order");
    }
    if (atom.gbnf == null) {
      return min == 0 ? new Node("", null).lengths(0, 0) : atom;
    }
    String g = atom.gbnf;
    String q;
    if (min == 0 && max == -1) {
      q = "*";
    } else if (min == 1 && max == -1) {
      q = "+";
    } else if (min == 0 && max == 1) {
      q = "?";
    } else if (max == -1) {
      q = "{" + min + ",}";
    } else if (min == max) {
      q = "{" + min + "}";
    } else {
      q = "{" + min + "," + max + "}";
    }
    Node n = new Node(g + q, null).lengths(Math.min(atom.minLen * min, Integer.MAX_VALUE),
        max < 0 || atom.maxLen < 0 ? -1 : Math.min(atom.maxLen * max, Integer.MAX_VALUE));
    if (atom.single != null) {
      lastRepeat = new SimpleRepeat(atom.single, min, max);
      lastRepeatNode = n;
    }
    if (start < 0) {
      throw error("unreachable");
    }
    return n;
  }

  private int qMin;
  private int qMax;

  private boolean braceAhead() {
    int save = pos;
    boolean ok = braceQuantifier();
    pos = save;
    return ok;
  }

  /** Parses {n}, {n,}, {n,m} at pos; returns false (pos unchanged) if not a quantifier. */
  private boolean braceQuantifier() {
    int save = pos;
    pos++;
    long a = number();
    if (a < 0) {
      pos = save;
      return false;
    }
    long b = a;
    if (consume(',')) {
      b = peek('}') ? -1 : number();
      if (b < 0 && !peek('}')) {
        pos = save;
        return false;
      }
    }
    if (!consume('}')) {
      pos = save;
      return false;
    }
    qMin = (int) Math.min(a, Integer.MAX_VALUE);
    qMax = b < 0 ? -1 : (int) Math.min(b, Integer.MAX_VALUE);
    return true;
  }

  private long number() {
    int start = pos;
    long v = 0;
    while (pos < pattern.length() && Character.isDigit(pattern.charAt(pos))
        && pattern.charAt(pos) < 128) {
      v = Math.min(v * 10 + (pattern.charAt(pos) - '0'), Integer.MAX_VALUE);
      pos++;
    }
    return pos == start ? -1 : v;
  }

  private Node atom() {
    if (pos >= pattern.length()) {
      throw error("unexpected end");
    }
    char c = pattern.charAt(pos);
    switch (c) {
      case '(':
        pos++;
        if (consume('?')) {
          if (consume(':')) {
            // non-capturing
          } else if (peek('<') && pos + 1 < pattern.length()
              && pattern.charAt(pos + 1) != '=' && pattern.charAt(pos + 1) != '!') {
            skipGroupName('>');
          } else if (peek('P') && pos + 1 < pattern.length() && pattern.charAt(pos + 1) == '<') {
            pos++;
            skipGroupName('>');
          } else {
            throw error("lookaround and inline flags are not supported");
          }
        }
        Node inner = alternation();
        if (!consume(')')) {
          throw error("missing ')'");
        }
        return inner;
      case ')':
        throw error("unbalanced ')'");
      case '^':
      case '$':
        throw error("anchors are supported only at the ends of a top-level alternative");
      case '[':
        pos++;
        return set(charClass());
      case '.':
        pos++;
        return set(CharRanges.of('\n', '\n', '\r', '\r', 0x2028, 0x2029).complement());
      case '\\':
        pos++;
        return set(escape(false));
      case '*':
      case '+':
      case '?':
        throw error("nothing to repeat");
      case '{':
        if (braceAhead()) {
          throw error("nothing to repeat");
        }
        pos++;
        return set(CharRanges.of('{', '{'));
      default:
        int cp = pattern.codePointAt(pos);
        pos += Character.charCount(cp);
        return set(CharRanges.of(cp, cp));
    }
  }

  private void skipGroupName(char end) {
    pos++;
    while (pos < pattern.length() && pattern.charAt(pos) != end) {
      pos++;
    }
    if (!consume(end)) {
      throw error("unterminated group name");
    }
  }

  private static Node set(CharRanges r) {
    return new Node(r.jsonCharExpression(), r);
  }

  private CharRanges charClass() {
    boolean negated = consume('^');
    CharRanges acc = CharRanges.EMPTY;
    boolean asciiOnly = false;
    boolean first = true;
    while (true) {
      if (pos >= pattern.length()) {
        throw error("missing ']'");
      }
      char c = pattern.charAt(pos);
      if (c == ']' && !first) {
        pos++;
        break;
      }
      if (c == ']') {
        // ECMAScript: [] matches nothing, [^] anything.
        pos++;
        return negated ? CharRanges.ALL.minus(CharRanges.of(0xD800, 0xDFFF)) : CharRanges.EMPTY;
      }
      first = false;
      CharRanges lo = classAtom();
      if (lo == SHORTHAND_MARK) {
        acc = acc.union(lastShorthand);
        asciiOnly |= lastShorthandWide;
        continue;
      }
      if (peek('-') && pos + 1 < pattern.length() && pattern.charAt(pos + 1) != ']') {
        pos++;
        CharRanges hi = classAtom();
        if (hi == SHORTHAND_MARK) {
          throw error("a class shorthand cannot end a range");
        }
        int a = lo.ranges[0];
        int b = hi.ranges[0];
        if (a > b) {
          throw error("range out of order in character class");
        }
        acc = acc.union(CharRanges.of(a, b));
      } else {
        acc = acc.union(lo);
      }
    }
    if (!negated) {
      return acc;
    }
    CharRanges comp = acc.complement().minus(CharRanges.of(0xD800, 0xDFFF));
    return asciiOnly ? comp.intersect(CharRanges.ASCII) : comp;
  }

  private static final CharRanges SHORTHAND_MARK = CharRanges.of(-2, -2);
  private CharRanges lastShorthand;
  private boolean lastShorthandWide;

  private CharRanges classAtom() {
    int cp = pattern.codePointAt(pos);
    if (cp == '\\') {
      pos++;
      CharRanges r = escape(true);
      if (r.ranges.length == 2 && r.ranges[0] == r.ranges[1] && !wasShorthand) {
        return r;
      }
      lastShorthand = r;
      return SHORTHAND_MARK;
    }
    pos += Character.charCount(cp);
    return CharRanges.of(cp, cp);
  }

  private boolean wasShorthand;

  /** After a backslash. Sets lastShorthandWide for classes whose Unicode meaning is wider. */
  private CharRanges escape(boolean inClass) {
    if (pos >= pattern.length()) {
      throw error("pattern ends with '\\'");
    }
    wasShorthand = false;
    lastShorthandWide = false;
    char c = pattern.charAt(pos++);
    switch (c) {
      case 'd': wasShorthand = true; lastShorthandWide = true; return CharRanges.DIGITS;
      case 'w': wasShorthand = true; lastShorthandWide = true; return CharRanges.WORD;
      case 's': wasShorthand = true; lastShorthandWide = true; return CharRanges.of(' ', ' ', '\t', '\r');
      case 'D':
        wasShorthand = true;
        return CharRanges.ASCII.minus(CharRanges.DIGITS);
      case 'W':
        wasShorthand = true;
        return CharRanges.ASCII.minus(CharRanges.WORD);
      case 'S':
        wasShorthand = true;
        return CharRanges.SPACE.complement().minus(CharRanges.of(0xD800, 0xDFFF));
      case 't': return one('\t');
      case 'n': return one('\n');
      case 'r': return one('\r');
      case 'f': return one('\f');
      case 'v': return one(0x0B);
      case '0':
        if (pos < pattern.length() && Character.isDigit(pattern.charAt(pos))) {
          throw error("octal escapes are not supported");
        }
        return one(0);
      case 'x': return one(hex(2));
      case 'u':
        if (consume('{')) {
          int start = pos;
          while (pos < pattern.length() && pattern.charAt(pos) != '}') {
            pos++;
          }
          if (pos == start || !consume('}')) {
            throw error("bad \\u{...} escape");
          }
          try {
            int v = Integer.parseInt(pattern.substring(start, pos - 1), 16);
            if (v > CharRanges.MAX) {
              throw error("code point out of range");
            }
            return one(v);
          } catch (NumberFormatException e) {
            throw error("bad \\u{...} escape");
          }
        }
        return one(hex(4));
      case 'b':
        if (inClass) {
          return one('\b');
        }
        throw error("word boundaries are not supported");
      case 'B':
        throw error("word boundaries are not supported");
      case 'p':
      case 'P':
        throw error("Unicode property escapes are not supported");
      case 'c':
        throw error("control escapes are not supported");
      case 'k':
        throw error("backreferences are not supported");
      default:
        if (c >= '1' && c <= '9') {
          throw error("backreferences are not supported");
        }
        if (Character.isLetterOrDigit(c)) {
          throw error("unknown escape \\" + c);
        }
        pos--;
        int cp = pattern.codePointAt(pos);
        pos += Character.charCount(cp);
        return one(cp);
    }
  }

  private static CharRanges one(int c) {
    return CharRanges.of(c, c);
  }

  private int hex(int digits) {
    if (pos + digits > pattern.length()) {
      throw error("bad hexadecimal escape");
    }
    try {
      int v = Integer.parseInt(pattern.substring(pos, pos + digits), 16);
      pos += digits;
      return v;
    } catch (NumberFormatException e) {
      throw error("bad hexadecimal escape");
    }
  }
}
