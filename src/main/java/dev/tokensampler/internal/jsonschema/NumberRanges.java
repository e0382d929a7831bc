package dev.tokensampler.internal.jsonschema;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for decimal digit strings (no leading zero, "0" itself allowed) whose value lies in a
 * non-negative range, and for JSON numbers between integer bounds.
 */
final class NumberRanges {
  private NumberRanges() {}

  /**
   * Digit strings of the integers in {@code [lo, hi]}; {@code hi < 0} means unbounded.
   *
   * @return the expression, or null if the range is empty
   */
  static String digits(long lo, long hi) {
    if (lo < 0) {
      throw new IllegalArgumentException("lo " + lo);
    }
    if (hi >= 0 && lo > hi) {
      return null;
    }
    List<String> alts = new ArrayList<>();
    int loLen = Long.toString(lo).length();
    int hiLen = hi < 0 ? loLen : Long.toString(hi).length();
    for (int len = loLen; len <= hiLen; len++) {
      long a = Math.max(lo, len == 1 ? 0 : pow10(len - 1));
      long b = hi >= 0 && len == hiLen ? hi : pow10(len) - 1;
      if (len == 1 && a == 0 && lo == 0) {
        a = 0;
      }
      if (a <= b) {
        sameLength(Long.toString(a), Long.toString(b), "", alts);
      }
    }
    if (hi < 0) {
      // Every longer number.
      alts.add("[1-9] [0-9]{" + loLen + ",}");
    }
    if (alts.isEmpty()) {
      return null;
    }
    return alts.size() == 1 ? alts.get(0) : "(" + String.join(" | ", alts) + ")";
  }

  private static long pow10(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  /** Strings of a's length between a and b (same length), each prefixed. */
  private static void sameLength(String a, String b, String prefix, List<String> out) {
    if (a.isEmpty()) {
      out.add(prefix.isEmpty() ? "\"\"" : prefix.trim());
      return;
    }
    int n = a.length();
    if (a.equals(b)) {
      out.add((prefix + " \"" + a + "\"").trim());
      return;
    }
    if (a.chars().allMatch(c -> c == '0') && b.chars().allMatch(c -> c == '9')) {
      out.add((prefix + (n == 1 ? " [0-9]" : " [0-9]{" + n + "}")).trim());
      return;
    }
    char a0 = a.charAt(0);
    char b0 = b.charAt(0);
    String ra = a.substring(1);
    String rb = b.substring(1);
    if (a0 == b0) {
      sameLength(ra, rb, prefix + " \"" + a0 + "\"", out);
      return;
    }
    String nines = "9".repeat(n - 1);
    String zeros = "0".repeat(n - 1);
    boolean aFull = ra.equals(zeros);
    boolean bFull = rb.equals(nines);
    char from = aFull ? a0 : (char) (a0 + 1);
    char to = bFull ? b0 : (char) (b0 - 1);
    if (!aFull) {
      sameLength(ra, nines, prefix + " \"" + a0 + "\"", out);
    }
    if (from <= to) {
      String d = from == to ? "\"" + from + "\"" : "[" + from + "-" + to + "]";
      out.add((prefix + " " + d + (n == 1 ? "" : n == 2 ? " [0-9]" : " [0-9]{" + (n - 1) + "}"))
          .trim());
    }
    if (!bFull) {
      sameLength(zeros, rb, prefix + " \"" + b0 + "\"", out);
    }
  }

  /**
   * JSON numbers (no exponent) with magnitude {@code m = I + f} ({@code I} the integer part,
   * {@code f} the fraction) such that {@code a <(=) m <(=) b}, {@code b < 0} unbounded. The sign is
   * not included.
   *
   * @param fraction whether a fraction part may appear (false for integers)
   * @return the expression, or null if empty
   */
  static String magnitude(long a, boolean aInclusive, long b, boolean bInclusive,
      boolean fraction) {
    List<String> alts = new ArrayList<>();
    String anyFrac = fraction ? " (\".\" [0-9]+)?" : "";
    String zeroFrac = fraction ? " (\".\" \"0\"+)?" : "";
    String nonZeroFrac = "\".\" [0-9]* [1-9] [0-9]*";
    // Integer parts with any fraction: I in [a', b'].
    long lo = aInclusive ? a : a + 1;
    long hi;
    if (b < 0) {
      hi = -1;
    } else {
      hi = b - 1;
    }
    if (!fraction) {
      lo = aInclusive ? a : a + 1;
      hi = b < 0 ? -1 : bInclusive ? b : b - 1;
      String d = hi >= 0 && hi < lo ? null : digits(lo, hi);
      return d;
    }
    if (hi < 0 && b >= 0) {
      // b == 0: no integer part strictly below it.
    } else if (hi < 0 || lo <= hi) {
      String d = digits(lo, hi);
      if (d != null) {
        alts.add(d + anyFrac);
      }
    }
    if (!aInclusive && (b < 0 || a < b)) {
      alts.add(digits(a, a) + " " + nonZeroFrac);
    }
    if (b >= 0 && bInclusive && (b > a || b == a && aInclusive)) {
      alts.add(digits(b, b) + zeroFrac);
    }
    if (alts.isEmpty()) {
      return null;
    }
    return alts.size() == 1 ? alts.get(0) : "(" + String.join(" | ", alts) + ")";
  }
}
