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

  /** Fraction digit strings: whether none may be written, and the non-empty ones (or null). */
  private static final class Frac {
    final boolean empty;
    final String nonEmpty;

    Frac(boolean empty, String nonEmpty) {
      this.empty = empty;
      this.nonEmpty = nonEmpty;
    }
  }

  /**
   * Digit strings F with {@code lo <(=) 0.F <(=) hi}, compared as decimals; {@code lo} and
   * {@code hi} are digit strings without trailing zeros, {@code hi} null for no bound below 1.
   */
  private static Frac fraction(String lo, boolean loIncl, String hi, boolean hiIncl) {
    boolean empty = lo.isEmpty() && loIncl && (hi == null || !hi.isEmpty() || hiIncl);
    if (hi == null && lo.isEmpty()) {
      return new Frac(empty, loIncl ? "[0-9]+" : "[0-9]* [1-9] [0-9]*");
    }
    if (hi != null && hi.isEmpty()) {
      return new Frac(empty, lo.isEmpty() && loIncl && hiIncl ? "\"0\"+" : null);
    }
    int l0 = lo.isEmpty() ? 0 : lo.charAt(0) - '0';
    int h0 = hi == null ? 9 : hi.charAt(0) - '0';
    String loRest = lo.isEmpty() ? "" : lo.substring(1);
    List<String> alts = new ArrayList<>();
    if (l0 == h0) {
      add(alts, l0, fraction(loRest, loIncl, hi == null ? null
          : hi.substring(1), hiIncl));
    } else {
      add(alts, l0, fraction(loRest, loIncl, null, true));
      if (h0 - l0 > 1) {
        alts.add((h0 - l0 == 2 ? "\"" + (l0 + 1) + "\"" : "[" + (l0 + 1) + "-" + (h0 - 1) + "]")
            + " [0-9]*");
      }
      add(alts, h0, hi == null ? fraction("", true, null, true)
          : fraction("", true, hi.substring(1), hiIncl));
    }
    String ne = alts.isEmpty() ? null : alts.size() == 1 ? alts.get(0)
        : "(" + String.join(" | ", alts) + ")";
    return new Frac(empty, ne);
  }

  private static void add(List<String> alts, int digit, Frac rest) {
    String d = "\"" + digit + "\"";
    if (rest.nonEmpty == null) {
      if (rest.empty) {
        alts.add(d);
      }
    } else if (rest.empty) {
      alts.add(d + " (" + rest.nonEmpty + ")?");
    } else {
      alts.add(d + " " + rest.nonEmpty);
    }
  }

  /** The JSON fraction part ("." digits, or nothing) for a Frac, or null if none fits. */
  private static String fractionPart(Frac f) {
    if (f.nonEmpty == null) {
      return f.empty ? "" : null;
    }
    return f.empty ? "(\".\" " + f.nonEmpty + ")?" : "\".\" " + f.nonEmpty;
  }

  private static String digitsOf(java.math.BigDecimal d) {
    java.math.BigDecimal frac = d.subtract(new java.math.BigDecimal(d.toBigInteger()));
    if (frac.signum() == 0) {
      return "";
    }
    String s = frac.stripTrailingZeros().toPlainString();
    return s.substring(s.indexOf('.') + 1);
  }

  /**
   * JSON numbers without exponent or sign whose value {@code m} satisfies
   * {@code a <(=) m <(=) b} exactly, for decimal {@code 0 <= a}, {@code b} null for unbounded;
   * integer parts must fit in a long.
   *
   * @return the expression, or null if empty
   */
  static String decimalMagnitude(java.math.BigDecimal a, boolean aIncl, java.math.BigDecimal b,
      boolean bIncl) {
    long ia = a.toBigInteger().longValueExact();
    String da = digitsOf(a);
    List<String> alts = new ArrayList<>();
    String anyFrac = " (\".\" [0-9]+)?";
    if (b == null) {
      alts.add(digits(ia + 1, -1) + anyFrac);
      String f = fractionPart(fraction(da, aIncl, null, true));
      if (f != null) {
        alts.add((digits(ia, ia) + " " + f).trim());
      }
    } else {
      long ib = b.toBigInteger().longValueExact();
      String db = digitsOf(b);
      if (ia < ib) {
        if (ia + 1 <= ib - 1) {
          alts.add(digits(ia + 1, ib - 1) + anyFrac);
        }
        String f = fractionPart(fraction(da, aIncl, null, true));
        if (f != null) {
          alts.add((digits(ia, ia) + " " + f).trim());
        }
        f = fractionPart(fraction("", true, db, bIncl));
        if (f != null) {
          alts.add((digits(ib, ib) + " " + f).trim());
        }
      } else if (ia == ib) {
        String f = fractionPart(fraction(da, aIncl, db, bIncl));
        if (f != null) {
          alts.add((digits(ia, ia) + " " + f).trim());
        }
      }
    }
    if (alts.isEmpty()) {
      return null;
    }
    return alts.size() == 1 ? alts.get(0) : "(" + String.join(" | ", alts) + ")";
  }
}
