package dev.tokensampler.internal.jsonschema;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * Rules for strings ({@code minLength}, {@code maxLength}, {@code pattern}, {@code format}) and
 * numbers ({@code minimum}, {@code maximum}, exclusive bounds in both draft-04 and later forms,
 * {@code multipleOf} of 1, 2, 5 or 10).
 *
 * <p>Numbers with bounds are written without an exponent, and compared with the bounds exactly as
 * decimals; integers with a non-integer bound use the nearest integer inside it. Bounds beyond
 * +-10^17 are moved to it (a subset of the valid numbers), or refused where that would widen.
 */
final class ScalarRules {
  private static final BigDecimal CLAMP = new BigDecimal("1e17");
  private final SchemaCompiler c;
  private final Map<String, Boolean> formats = new HashMap<>();

  ScalarRules(SchemaCompiler c) {
    this.c = c;
  }

  private static final String QUOTE = "\"\\\"\"";

  /**
   * An internal keyword (not valid in a user schema's JSON Schema vocabulary, so never met
   * there): the strings a {@code not} excludes.
   */
  static final String NOT_STRINGS = "$tokensampler:notStrings";

  String string(JsonObject o, String ptr) {
    String format = o.has("format") ? Schemas.string(o, "format", ptr) : null;
    if (format != null && !StringFormats.KNOWN.contains(format)) {
      format = null; // not a format of any draft: validators ignore it
    }
    boolean lengths = o.has("minLength") || o.has("maxLength");
    if (o.has(NOT_STRINGS)) {
      if (format != null || lengths || o.has("pattern")) {
        throw new IllegalArgumentException(Keywords.child(ptr, "not")
            + ": not enum/const beside format, pattern or a length bound is not supported");
      }
      java.util.Set<String> names = new java.util.LinkedHashSet<>();
      for (JsonElement e : o.getAsJsonArray(NOT_STRINGS)) {
        names.add(e.getAsString());
      }
      return c.structures.notNames(names);
    }
    if (format != null) {
      if (StringFormats.ruleFor(format) == null) {
        throw new IllegalArgumentException(Keywords.child(ptr, "format") + ": format \"" + format
            + "\" is not supported");
      }
      if (lengths && !o.has("pattern")) {
        // Supported where the bounds hold for every string of the format, or for none.
        long[] f = StringFormats.lengths(format);
        long min = o.has("minLength") ? Schemas.count(o, "minLength", ptr) : 0;
        long max = o.has("maxLength") ? Schemas.count(o, "maxLength", ptr) : -1;
        boolean all = f[0] >= min && (max < 0 || f[1] >= 0 && f[1] <= max);
        if (!all && (max >= 0 && f[0] > max || f[1] >= 0 && f[1] < min)) {
          return null;
        }
        lengths = !all;
      }
      if (lengths || o.has("pattern")) {
        throw new IllegalArgumentException(Keywords.child(ptr, "format") + ": format \"" + format
            + "\" together with " + (o.has("pattern") ? "pattern" : "minLength/maxLength")
            + " is not supported (except bounds that every string of the format meets)");
      }
      return QUOTE + " " + StringFormats.define(format, c.rules, formats) + " " + QUOTE;
    }
    long min = o.has("minLength") ? Schemas.count(o, "minLength", ptr) : 0;
    long max = o.has("maxLength") ? Schemas.count(o, "maxLength", ptr) : -1;
    if (max >= 0 && min > max) {
      return null;
    }
    if (o.has("pattern")) {
      String pattern = Schemas.string(o, "pattern", ptr);
      String where = Keywords.child(ptr, "pattern");
      if (!lengths) {
        String body = RegexTranslator.translate(pattern, where, c.options.maxRepeat(),
            c.charRule());
        return body == null ? null : QUOTE + " " + body + " " + QUOTE;
      }
      long[] implied = RegexTranslator.lengths(pattern, where, c.options.maxRepeat());
      if (implied[0] >= min && (max < 0 || implied[1] >= 0 && implied[1] <= max)) {
        // Every string of the pattern's grammar already has an allowed length.
        String body = RegexTranslator.translate(pattern, where, c.options.maxRepeat(),
            c.charRule());
        return body == null ? null : QUOTE + " " + body + " " + QUOTE;
      }
      RegexTranslator.SimpleRepeat r = RegexTranslator.simpleRepeat(pattern, where,
          c.options.maxRepeat());
      if (r == null) {
        throw new IllegalArgumentException(where + ": pattern together with minLength/maxLength"
            + " is supported only for the form ^[class]{m,n}$");
      }
      long lo = Math.max(min, r.min);
      long hi = r.max < 0 ? max : max < 0 ? r.max : Math.min(max, r.max);
      String set = r.set.jsonCharExpression();
      if (hi >= 0 && lo > hi || set == null && lo > 0) {
        return null;
      }
      return set == null ? QUOTE + " " + QUOTE
          : QUOTE + " " + repeat(set, lo, hi, ptr, "minLength") + " " + QUOTE;
    }
    if (!lengths) {
      return c.stringRule();
    }
    return QUOTE + " " + repeat(lengthChar(), min, max, ptr, "minLength") + " " + QUOTE;
  }

  /** One character of a string with a length bound: no {@code \\u} escape of a surrogate. */
  private String lengthChar() {
    if (!c.rules.has("lchar")) {
      c.charRule();
      c.rules.defineFixed("lchar", "[^\"\\\\\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\""
          + " ([0-9a-cA-CefEF] hex{3} | [dD] [0-7] hex{2}))");
    }
    return "lchar";
  }

  /** {@code item{min,max}} with the repetition limit applied; max < 0 is unbounded. */
  String repeat(String item, long min, long max, String ptr, String minKeyword) {
    int limit = c.options.maxRepeat();
    if (min > limit) {
      throw new IllegalArgumentException(Keywords.child(ptr, minKeyword) + ": " + min
          + " exceeds maxRepeat = " + limit);
    }
    long hi = max < 0 ? -1 : Math.min(max, limit);
    String it = item.matches("[a-z0-9-]+|\\[[^\\]]*\\]|\"[^\"]*\"") ? item : "(" + item + ")";
    if (hi < 0) {
      return min == 0 ? it + "*" : min == 1 ? it + "+" : it + "{" + min + ",}";
    }
    if (hi == 0) {
      return "\"\"";
    }
    if (min == 0 && hi == 1) {
      return it + "?";
    }
    return min == hi ? it + "{" + min + "}" : it + "{" + min + "," + hi + "}";
  }

  /** The most multiples that a {@code multipleOf} with bounds is written as, one by one. */
  static final int MAX_MULTIPLES = 1_024;

  /**
   * The integer multiples of {@code step} within the bounds, as literals: both bounds are needed
   * and at most {@link #MAX_MULTIPLES} multiples.
   *
   * @return the expression, or null if no multiple lies within the bounds
   */
  private String boundedMultiples(long step, BigDecimal lo, boolean loExclusive, BigDecimal hi,
      boolean hiExclusive, String ptr) {
    String where = Keywords.child(ptr, "multipleOf");
    if (lo == null || hi == null) {
      throw new IllegalArgumentException(where + ": multipleOf " + step + " with one bound is"
          + " not supported (needs both a minimum and a maximum, or 2, 5 or 10 alone)");
    }
    BigDecimal a = loExclusive && lo.stripTrailingZeros().scale() <= 0 ? lo.add(BigDecimal.ONE)
        : lo.setScale(0, RoundingMode.CEILING);
    BigDecimal b = hiExclusive && hi.stripTrailingZeros().scale() <= 0
        ? hi.subtract(BigDecimal.ONE) : hi.setScale(0, RoundingMode.FLOOR);
    BigDecimal m = BigDecimal.valueOf(step);
    BigDecimal first = a.divide(m, 0, RoundingMode.CEILING);
    BigDecimal last = b.divide(m, 0, RoundingMode.FLOOR);
    if (first.compareTo(last) > 0) {
      return null;
    }
    if (last.subtract(first).compareTo(BigDecimal.valueOf(MAX_MULTIPLES)) >= 0) {
      throw new IllegalArgumentException(where + ": multipleOf " + step + " between " + lo
          + " and " + hi + " has more than " + MAX_MULTIPLES + " multiples (not supported)");
    }
    java.util.List<String> alts = new java.util.ArrayList<>();
    for (BigDecimal k = first; k.compareTo(last) <= 0; k = k.add(BigDecimal.ONE)) {
      c.step(ptr);
      alts.add(GbnfRules.literal(k.multiply(m).toPlainString()));
    }
    return SchemaCompiler.union(alts);
  }

  String number(JsonObject o, boolean integer, String ptr) {
    boolean isInteger = integer;
    Long step = null;
    if (o.has("multipleOf")) {
      BigDecimal m = Schemas.number(o, "multipleOf", ptr);
      if (m.signum() <= 0) {
        throw new IllegalArgumentException(Keywords.child(ptr, "multipleOf")
            + ": multipleOf must be positive, got " + m);
      }
      if (m.compareTo(BigDecimal.ONE) == 0) {
        isInteger = true;
      } else if (m.stripTrailingZeros().scale() <= 0
          && m.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
        isInteger = true;
        step = m.longValue();
      } else {
        throw new IllegalArgumentException(Keywords.child(ptr, "multipleOf") + ": multipleOf " + m
            + " is not supported (only integers: 2, 5 and 10 alone, any with both bounds)");
      }
    }
    BigDecimal lo = null;
    boolean loExclusive = false;
    BigDecimal hi = null;
    boolean hiExclusive = false;
    if (o.has("minimum")) {
      lo = Schemas.number(o, "minimum", ptr);
      loExclusive = isTrue(o.get("exclusiveMinimum"));
    }
    if (o.has("exclusiveMinimum") && isNumber(o.get("exclusiveMinimum"))) {
      BigDecimal x = Schemas.number(o, "exclusiveMinimum", ptr);
      if (lo == null || x.compareTo(lo) >= 0) {
        lo = x;
        loExclusive = true;
      }
    }
    if (o.has("maximum")) {
      hi = Schemas.number(o, "maximum", ptr);
      hiExclusive = isTrue(o.get("exclusiveMaximum"));
    }
    if (o.has("exclusiveMaximum") && isNumber(o.get("exclusiveMaximum"))) {
      BigDecimal x = Schemas.number(o, "exclusiveMaximum", ptr);
      if (hi == null || x.compareTo(hi) <= 0) {
        hi = x;
        hiExclusive = true;
      }
    }
    if (step != null && (lo != null || hi != null)) {
      return boundedMultiples(step, lo, loExclusive, hi, hiExclusive, ptr);
    }
    if (step != null) {
      if (step != 2 && step != 5 && step != 10) {
        throw new IllegalArgumentException(Keywords.child(ptr, "multipleOf") + ": multipleOf "
            + step + " is not supported without both bounds (only 1, 2, 5 and 10)");
      }
      String last = step == 2 ? "[02468]" : step == 5 ? "[05]" : "\"0\"";
      String first = step == 2 ? "[2468]" : step == 5 ? "\"5\"" : null;
      return "(\"0\" | \"-\"? ([1-9] [0-9]* " + last + (first == null ? "" : " | " + first)
          + "))";
    }
    if (lo == null && hi == null) {
      if (isInteger) {
        return "(\"-\"? (\"0\" | [1-9] [0-9]*))";
      }
      return c.numberRule();
    }
    if (!isInteger) {
      return decimalNumber(lo, loExclusive, hi, hiExclusive, ptr);
    }
    // Integer bounds, rounded inwards.
    Long a = null;
    boolean aIncl = true;
    Long b = null;
    boolean bIncl = true;
    if (lo != null) {
      boolean whole = lo.stripTrailingZeros().scale() <= 0;
      if (isInteger || !whole) {
        BigDecimal r = loExclusive && whole ? lo.add(BigDecimal.ONE) : lo.setScale(0,
            RoundingMode.CEILING);
        a = clamp(r, ptr, true);
      } else {
        a = clamp(lo, ptr, true);
        aIncl = !loExclusive;
      }
    }
    if (hi != null) {
      boolean whole = hi.stripTrailingZeros().scale() <= 0;
      if (isInteger || !whole) {
        BigDecimal r = hiExclusive && whole ? hi.subtract(BigDecimal.ONE) : hi.setScale(0,
            RoundingMode.FLOOR);
        b = clamp(r, ptr, false);
      } else {
        b = clamp(hi, ptr, false);
        bIncl = !hiExclusive;
      }
    }
    boolean fraction = !isInteger;
    java.util.List<String> alts = new java.util.ArrayList<>();
    // Non-negative values: magnitude in [max(a, 0), b].
    if (b == null || b > 0 || b == 0 && bIncl) {
      long ma;
      boolean maIncl;
      if (a == null || a < 0) {
        ma = 0;
        maIncl = true;
      } else {
        ma = a;
        maIncl = aIncl;
      }
      String e = NumberRanges.magnitude(ma, maIncl, b == null ? -1 : b, bIncl, fraction);
      if (e != null) {
        alts.add(e);
      }
    }
    // Negative values: magnitude in (max(-b, 0), -a].
    if (a == null || a < 0) {
      long ma;
      boolean maIncl;
      if (b == null || b >= 0) {
        ma = 0;
        maIncl = false;
      } else {
        ma = -b;
        maIncl = bIncl;
      }
      String e = NumberRanges.magnitude(ma, maIncl, a == null ? -1 : -a, aIncl, fraction);
      if (e != null) {
        alts.add("\"-\" " + e);
      }
    }
    String u = SchemaCompiler.union(alts);
    return u == null ? null : "(" + u + ")";
  }

  /** Numbers (no exponent) between decimal bounds, exactly; null bounds are open. */
  private String decimalNumber(BigDecimal lo, boolean loExcl, BigDecimal hi, boolean hiExcl,
      String ptr) {
    if (lo != null) {
      lo = BigDecimal.valueOf(clamp(lo.setScale(0, RoundingMode.FLOOR), ptr, true))
          .max(lo);
    }
    if (hi != null) {
      hi = BigDecimal.valueOf(clamp(hi.setScale(0, RoundingMode.CEILING), ptr, false)).min(hi);
    }
    java.util.List<String> alts = new java.util.ArrayList<>();
    // Non-negative values: magnitude in [max(lo, 0), hi].
    if (hi == null || hi.signum() > 0 || hi.signum() == 0 && !hiExcl) {
      boolean fromZero = lo == null || lo.signum() < 0;
      String e = NumberRanges.decimalMagnitude(fromZero ? BigDecimal.ZERO : lo,
          fromZero || !loExcl, hi, !hiExcl);
      if (e != null) {
        alts.add(e);
      }
    }
    // Negative values: magnitude in (max(-hi, 0), -lo].
    if (lo == null || lo.signum() < 0) {
      boolean toZero = hi == null || hi.signum() >= 0;
      String e = NumberRanges.decimalMagnitude(toZero ? BigDecimal.ZERO : hi.negate(),
          !toZero && !hiExcl, lo == null ? null : lo.negate(), !loExcl);
      if (e != null) {
        alts.add("\"-\" " + e);
      }
    }
    String u = SchemaCompiler.union(alts);
    return u == null ? null : "(" + u + ")";
  }

  /** A bound within +-10^17; one beyond is moved inwards, or refused if that would widen. */
  private static long clamp(BigDecimal d, String ptr, boolean lower) {
    if (d.compareTo(CLAMP) > 0) {
      if (lower) {
        throw new IllegalArgumentException(ptr + ": a lower bound above 1e17 is not supported");
      }
      return CLAMP.longValue();
    }
    if (d.compareTo(CLAMP.negate()) < 0) {
      if (!lower) {
        throw new IllegalArgumentException(ptr + ": an upper bound below -1e17 is not supported");
      }
      return -CLAMP.longValue();
    }
    return d.longValueExact();
  }

  private static boolean isTrue(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()
        && e.getAsBoolean();
  }

  private static boolean isNumber(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
  }
}
