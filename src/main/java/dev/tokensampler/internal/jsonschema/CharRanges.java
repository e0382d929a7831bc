package dev.tokensampler.internal.jsonschema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges, and how a JSON
 * string spells its members.
 */
final class CharRanges {
  static final int MAX = 0x10FFFF;
  static final CharRanges EMPTY = new CharRanges(new int[0]);
  static final CharRanges ALL = new CharRanges(new int[] {0, MAX});
  static final CharRanges DIGITS = of('0', '9');
  static final CharRanges WORD = of('0', '9', 'A', 'Z', '_', '_', 'a', 'z');
  /** Whitespace as both ECMAScript and Python regexes define it (the union). */
  static final CharRanges SPACE = of('\t', '\r', 0x1C, ' ', 0x85, 0x85, 0xA0, 0xA0, 0x1680, 0x1680,
      0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000,
      0xFEFF, 0xFEFF);
  static final CharRanges ASCII = of(0, 0x7F);

  /** Pairs lo, hi. */
  final int[] ranges;

  private CharRanges(int[] ranges) {
    this.ranges = ranges;
  }

  /** A set from unsorted, possibly overlapping pairs. */
  static CharRanges of(int... pairs) {
    List<int[]> list = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      list.add(new int[] {pairs[i], pairs[i + 1]});
    }
    return normalize(list);
  }

  private static CharRanges normalize(List<int[]> list) {
    list.sort((a, b) -> Integer.compare(a[0], b[0]));
    int[] out = new int[list.size() * 2];
    int n = 0;
    for (int[] r : list) {
      if (r[0] > r[1]) {
        continue;
      }
      if (n > 0 && r[0] <= out[n - 1] + 1) {
        out[n - 1] = Math.max(out[n - 1], r[1]);
      } else {
        out[n++] = r[0];
        out[n++] = r[1];
      }
    }
    return new CharRanges(Arrays.copyOf(out, n));
  }

  CharRanges union(CharRanges other) {
    int[] pairs = Arrays.copyOf(ranges, ranges.length + other.ranges.length);
    System.arraycopy(other.ranges, 0, pairs, ranges.length, other.ranges.length);
    return of(pairs);
  }

  CharRanges complement() {
    List<int[]> list = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      if (ranges[i] > next) {
        list.add(new int[] {next, ranges[i] - 1});
      }
      next = ranges[i + 1] + 1;
    }
    if (next <= MAX) {
      list.add(new int[] {next, MAX});
    }
    return normalize(list);
  }

  CharRanges intersect(CharRanges other) {
    return complement().union(other.complement()).complement();
  }

  CharRanges minus(CharRanges other) {
    return intersect(other.complement());
  }

  boolean isEmpty() {
    return ranges.length == 0;
  }

  boolean contains(int c) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (c >= ranges[i] && c <= ranges[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** Code points written raw inside a JSON string: not '"', not '\\', no control, no surrogate. */
  private static final CharRanges RAW_IN_JSON =
      of(0x20, MAX).minus(of('"', '"', '\\', '\\', 0xD800, 0xDFFF));

  /**
   * A GBNF expression matching the JSON string spelling of one member of this set: the member
   * itself where JSON allows it raw, else its short escape ({@code \"}, {@code \\}, {@code \n},
   * ...) or <code>&#92;u00XX</code> for other control characters. Other spellings (such as {@code \/} or a
   * <code>&#92;u</code> escape of a printable character) are not matched.
   *
   * @return the expression, or null if the set is empty
   */
  String jsonCharExpression() {
    List<String> alts = new ArrayList<>();
    CharRanges raw = intersect(RAW_IN_JSON);
    if (!raw.isEmpty()) {
      alts.add(GbnfRules.charClass(raw.ranges, false));
    }
    StringBuilder shortEscapes = new StringBuilder();
    int[] escaped = {'"', '\\', '\b', '\f', '\n', '\r', '\t'};
    String[] letters = {"\"", "\\", "b", "f", "n", "r", "t"};
    for (int i = 0; i < escaped.length; i++) {
      if (contains(escaped[i])) {
        shortEscapes.append(letters[i]);
      }
    }
    if (shortEscapes.length() == 1) {
      alts.add(GbnfRules.literal("\\" + shortEscapes));
    } else if (shortEscapes.length() > 1) {
      int[] cls = shortEscapes.codePoints().flatMap(c -> java.util.stream.IntStream.of(c, c)).toArray();
      alts.add(GbnfRules.literal("\\") + " " + GbnfRules.charClass(CharRanges.of(cls).ranges, false));
    }
    if (intersect(of(0, 0x1F)).ranges.length == 2 && contains(0) && contains(0x1F)) {
      alts.add(GbnfRules.literal("\\u00") + " [01] [0-9a-fA-F]");
    } else {
      for (int c = 0; c < 0x20; c++) {
        if (contains(c) && c != '\b' && c != '\f' && c != '\n' && c != '\r' && c != '\t') {
          alts.add(GbnfRules.literal(String.format("\\u%04x", c)));
        }
      }
    }
    if (alts.isEmpty()) {
      return null;
    }
    return alts.size() == 1 ? alts.get(0) : "(" + String.join(" | ", alts) + ")";
  }
}
