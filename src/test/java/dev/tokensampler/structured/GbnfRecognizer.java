package dev.tokensampler.structured;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test-only recogniser for GBNF text: parses the grammar (rules, literals, classes, groups,
 * {@code * + ? {m,n}}) into plain productions and decides membership of a whole string with an
 * Earley parser over code points. Independent of the library's grammar engine, to check the JSON
 * Schema compiler's output.
 */
final class GbnfRecognizer {
  /** A terminal: inclusive ranges, possibly negated. */
  private static final class Term {
    final int[] ranges;
    final boolean negated;

    Term(int[] ranges, boolean negated) {
      this.ranges = ranges;
      this.negated = negated;
    }

    boolean matches(int c) {
      boolean in = false;
      for (int i = 0; i < ranges.length; i += 2) {
        if (c >= ranges[i] && c <= ranges[i + 1]) {
          in = true;
          break;
        }
      }
      return in != negated;
    }
  }

  /** Symbols: >= 0 nonterminal ids, < 0 terminals (-1 - index). */
  private final List<int[]> prodRhs = new ArrayList<>();
  private final List<Integer> prodLhs = new ArrayList<>();
  private final List<List<Integer>> prodsOf = new ArrayList<>();
  private final List<Term> terms = new ArrayList<>();
  private final Map<String, Integer> names = new HashMap<>();
  private boolean[] nullable;
  private final int start;

  private String text;
  private int pos;

  GbnfRecognizer(String grammar) {
    this.text = grammar;
    this.pos = 0;
    while (true) {
      skipSpaceAndNewlines();
      if (pos >= text.length()) {
        break;
      }
      String name = name();
      skipSpace();
      expect("::=");
      int id = nonterminal(name);
      List<List<Integer>> alts = alternatives();
      for (List<Integer> alt : alts) {
        addProd(id, alt);
      }
    }
    for (Map.Entry<String, Integer> e : names.entrySet()) {
      if (prodsOf.get(e.getValue()).isEmpty()) {
        throw new IllegalArgumentException("undefined rule " + e.getKey());
      }
    }
    start = names.get("root");
    computeNullable();
  }

  private int nonterminal(String name) {
    return names.computeIfAbsent(name, k -> {
      prodsOf.add(new ArrayList<>());
      return prodsOf.size() - 1;
    });
  }

  private int fresh() {
    prodsOf.add(new ArrayList<>());
    return prodsOf.size() - 1;
  }

  private void addProd(int lhs, List<Integer> rhs) {
    prodsOf.get(lhs).add(prodRhs.size());
    prodLhs.add(lhs);
    prodRhs.add(rhs.stream().mapToInt(Integer::intValue).toArray());
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t') {
        pos++;
      } else if (c == '#') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        break;
      }
    }
  }

  private void skipSpaceAndNewlines() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos)) || pos < text.length()
        && text.charAt(pos) == '#') {
      if (text.charAt(pos) == '#') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        pos++;
      }
    }
  }

  private String name() {
    int s = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos))
        || text.charAt(pos) == '-' || text.charAt(pos) == '_')) {
      pos++;
    }
    if (s == pos) {
      throw error("name expected");
    }
    return text.substring(s, pos);
  }

  private IllegalArgumentException error(String m) {
    int from = Math.max(0, pos - 30);
    return new IllegalArgumentException(m + " at " + pos + ": ..." + text.substring(from,
        Math.min(text.length(), pos + 30)).replace("\n", "\\n"));
  }

  private void expect(String s) {
    if (!text.startsWith(s, pos)) {
      throw error("expected " + s);
    }
    pos += s.length();
  }

  /** alternatives until end of line (outside groups) or ')' */
  private List<List<Integer>> alternatives() {
    List<List<Integer>> alts = new ArrayList<>();
    List<Integer> cur = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) == '\n' || text.charAt(pos) == ')') {
        alts.add(cur);
        return alts;
      }
      char c = text.charAt(pos);
      if (c == '|') {
        pos++;
        alts.add(cur);
        cur = new ArrayList<>();
        continue;
      }
      List<Integer> item = element();
      cur.addAll(postfix(item));
    }
  }

  private List<Integer> element() {
    char c = text.charAt(pos);
    List<Integer> seq = new ArrayList<>();
    if (c == '"') {
      pos++;
      while (text.charAt(pos) != '"') {
        int cp = character();
        seq.add(term(new int[] {cp, cp}, false));
      }
      pos++;
      return seq;
    }
    if (c == '[') {
      pos++;
      boolean neg = false;
      if (text.charAt(pos) == '^') {
        neg = true;
        pos++;
      }
      List<Integer> ranges = new ArrayList<>();
      while (text.charAt(pos) != ']') {
        int a = character();
        int b = a;
        if (text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
          pos++;
          b = character();
        }
        ranges.add(a);
        ranges.add(b);
      }
      pos++;
      seq.add(term(ranges.stream().mapToInt(Integer::intValue).toArray(), neg));
      return seq;
    }
    if (c == '(') {
      pos++;
      int id = fresh();
      for (List<Integer> alt : alternatives()) {
        addProd(id, alt);
      }
      expect(")");
      seq.add(id);
      return seq;
    }
    if (c == '.') {
      pos++;
      seq.add(term(new int[] {'\n', '\n'}, true));
      return seq;
    }
    seq.add(nonterminal(name()));
    return seq;
  }

  private int term(int[] ranges, boolean negated) {
    terms.add(new Term(ranges, negated));
    return -terms.size();
  }

  private int character() {
    char c = text.charAt(pos);
    if (c != '\\') {
      int cp = text.codePointAt(pos);
      pos += Character.charCount(cp);
      return cp;
    }
    char e = text.charAt(pos + 1);
    pos += 2;
    switch (e) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'x': return hex(2);
      case 'u': return hex(4);
      case 'U': return hex(8);
      default: return e;
    }
  }

  private int hex(int n) {
    int v = Integer.parseInt(text.substring(pos, pos + n), 16);
    pos += n;
    return v;
  }

  private List<Integer> postfix(List<Integer> item) {
    skipSpace();
    if (pos >= text.length()) {
      return item;
    }
    char c = text.charAt(pos);
    int min;
    int max;
    if (c == '*') {
      min = 0;
      max = -1;
      pos++;
    } else if (c == '+') {
      min = 1;
      max = -1;
      pos++;
    } else if (c == '?') {
      min = 0;
      max = 1;
      pos++;
    } else if (c == '{') {
      pos++;
      int close = text.indexOf('}', pos);
      String[] parts = text.substring(pos, close).split(",", -1);
      min = Integer.parseInt(parts[0].trim());
      max = parts.length == 1 ? min : parts[1].trim().isEmpty() ? -1
          : Integer.parseInt(parts[1].trim());
      pos = close + 1;
    } else {
      return item;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < min; i++) {
      out.addAll(item);
    }
    if (max < 0) {
      int star = fresh();
      addProd(star, List.of());
      List<Integer> rec = new ArrayList<>();
      rec.add(star);
      rec.addAll(item);
      addProd(star, rec);
      out.add(star);
    } else {
      // nested optionals: (item (item ...)?)?
      int next = -1;
      for (int i = min; i < max; i++) {
        int opt = fresh();
        addProd(opt, List.of());
        List<Integer> seq = new ArrayList<>(item);
        if (next >= 0) {
          seq.add(next);
        }
        addProd(opt, seq);
        next = opt;
      }
      if (next >= 0) {
        out.add(next);
      }
    }
    return out;
  }

  private void computeNullable() {
    nullable = new boolean[prodsOf.size()];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int p = 0; p < prodRhs.size(); p++) {
        int lhs = prodLhs.get(p);
        if (nullable[lhs]) {
          continue;
        }
        boolean all = true;
        for (int s : prodRhs.get(p)) {
          if (s < 0 || !nullable[s]) {
            all = false;
            break;
          }
        }
        if (all) {
          nullable[lhs] = true;
          changed = true;
        }
      }
    }
  }

  /** Whether the whole string is in the language of {@code root}. */
  boolean accepts(String input) {
    int[] cps = input.codePoints().toArray();
    int n = cps.length;
    List<List<long[]>> sets = new ArrayList<>();
    List<Set<Long>> seen = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      sets.add(new ArrayList<>());
      seen.add(new HashSet<>());
    }
    for (int p : prodsOf.get(start)) {
      add(sets, seen, 0, p, 0, 0);
    }
    for (int i = 0; i <= n; i++) {
      List<long[]> set = sets.get(i);
      if (set.isEmpty()) {
        return false;
      }
      for (int k = 0; k < set.size(); k++) {
        long[] it = set.get(k);
        int p = (int) it[0];
        int dot = (int) it[1];
        int origin = (int) it[2];
        int[] rhs = prodRhs.get(p);
        if (dot == rhs.length) {
          int lhs = prodLhs.get(p);
          for (long[] parent : new ArrayList<>(sets.get(origin))) {
            int[] prhs = prodRhs.get((int) parent[0]);
            if (parent[1] < prhs.length && prhs[(int) parent[1]] == lhs) {
              add(sets, seen, i, (int) parent[0], (int) parent[1] + 1, (int) parent[2]);
            }
          }
          continue;
        }
        int sym = rhs[dot];
        if (sym >= 0) {
          for (int q : prodsOf.get(sym)) {
            add(sets, seen, i, q, 0, i);
          }
          if (nullable[sym]) {
            add(sets, seen, i, p, dot + 1, origin);
          }
        } else if (i < n && terms.get(-sym - 1).matches(cps[i])) {
          add(sets, seen, i + 1, p, dot + 1, origin);
        }
      }
    }
    for (long[] it : sets.get(n)) {
      if (it[2] == 0 && prodLhs.get((int) it[0]) == start
          && it[1] == prodRhs.get((int) it[0]).length) {
        return true;
      }
    }
    return false;
  }

  private static void add(List<List<long[]>> sets, List<Set<Long>> seen, int i, int p, int dot,
      int origin) {
    long key = ((long) p << 40) | ((long) dot << 24) | origin;
    if (seen.get(i).add(key)) {
      sets.get(i).add(new long[] {p, dot, origin});
    }
  }
}
