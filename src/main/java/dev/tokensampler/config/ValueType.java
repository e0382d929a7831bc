package dev.tokensampler.config;

import dev.tokensampler.internal.Excerpt;
import dev.tokensampler.search.EarlyStopping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The value types of spec keys: how a value is parsed from text and written back canonically. */
enum ValueType {
  /** A decimal number, e.g. {@code 0.95}, {@code 1e-4}, {@code -Infinity}. */
  FLOAT,
  /** A 32-bit integer. */
  INT,
  /** A 64-bit integer. */
  LONG,
  /** Integers in brackets, e.g. {@code [128001,128009]}; a single integer is a list of one. */
  INT_LIST,
  /** Lists of integers, e.g. {@code [[12],[45,67]]}. */
  INT_LISTS,
  /**
   * Token biases, e.g. {@code {15043:-1.5,29871:2}}; with quoted keys, biases by text
   * ({@code {"Hello":-1.5}}, a {@link TextValue}).
   */
  BIAS_MAP,
  /** Quoted JSON strings in brackets, e.g. {@code ["\n","User:"]} (a {@link TextValue}). */
  STRINGS,
  /** Lists of integers like {@link #INT_LISTS}, or quoted strings like {@link #STRINGS}. */
  INT_LISTS_OR_STRINGS,
  /** {@code true}, {@code false} or {@code never} (beam search's {@code early_stopping}). */
  EARLY_STOPPING,
  /** {@code true} or {@code false}. */
  BOOLEAN;


  /** Parses {@code text} as the value of {@code key}, naming both on failure. */
  Object parse(String key, String text) {
    String t = text.trim();
    if ((this == INT_LIST || this == INT_LISTS || this == BIAS_MAP || this == STRINGS
        || this == INT_LISTS_OR_STRINGS) && commas(t) >= SamplerSpec.MAX_TOKEN_IDS) {
      throw new IllegalArgumentException(
          key + " holds more than " + SamplerSpec.MAX_TOKEN_IDS + " token ids");
    }
    try {
      switch (this) {
        case FLOAT:
          return parseFloat(t);
        case INT:
          return parseInt(t);
        case LONG:
          requireInteger(t, 0, t.length());
          return Long.parseLong(t);
        case INT_LIST:
          return t.startsWith("[") ? intList(t, 1, closing(t)) : new int[] {parseInt(t)};
        case INT_LISTS_OR_STRINGS:
          if (TextValue.isStringList(t)) {
            return TextValue.strings(TextValue.parseStrings(t));
          }
          closing(t);
          return intLists(t.substring(1, t.length() - 1).trim());
        case INT_LISTS:
          closing(t);
          return intLists(t.substring(1, t.length() - 1).trim());
        case STRINGS:
          return TextValue.strings(TextValue.parseStrings(t));
        case EARLY_STOPPING:
          if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")
              && !t.equalsIgnoreCase("never")) {
            throw new NumberFormatException();
          }
          return EarlyStopping.parse(key, t);
        case BOOLEAN:
          if (!t.equals("true") && !t.equals("false")) {
            throw new NumberFormatException(t);
          }
          return Boolean.parseBoolean(t);
        default:
          return t.indexOf('"') >= 0 ? TextValue.parseBiases(t) : biasMap(t);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be " + description() + ", got '" + Excerpt.of(text) + "'", e);
    }
  }

  /** The canonical text of a value of this type, which {@link #parse} reads back. */
  String format(Object value) {
    if (value instanceof TextValue) {
      return TextValue.format((TextValue) value);
    }
    switch (this) {
      case INT_LIST:
        return list((int[]) value);
      case INT_LISTS:
      case INT_LISTS_OR_STRINGS: {
        StringBuilder s = new StringBuilder("[");
        int[][] lists = (int[][]) value;
        for (int i = 0; i < lists.length; i++) {
          list(s.append(i == 0 ? "" : ","), lists[i]);
        }
        return s.append(']').toString();
      }
      case BIAS_MAP:
        return ((TokenBiases) value).format(new StringBuilder()).toString();
      default:
        return String.valueOf(value);
    }
  }

  /** What a value of this type looks like, for error messages. */
  String description() {
    switch (this) {
      case FLOAT:
        return "a number";
      case INT:
        return "an integer";
      case LONG:
        return "a 64-bit integer";
      case INT_LIST:
        return "an integer or a list of integers like [1,2]";
      case INT_LISTS:
        return "a list of integer lists like [[1],[2,3]]";
      case INT_LISTS_OR_STRINGS:
        return "a list of integer lists like [[1],[2,3]] or of strings like [\"\\n\",\":\"]";
      case STRINGS:
        return "a list of quoted strings like [\"\\n\",\"User:\"]";
      case EARLY_STOPPING:
        return "true, false or never";
      case BOOLEAN:
        return "true or false";
      default:
        return "token biases like {15043:-1.5,29871:2} or {\"Hello\":-1.5}";
    }
  }

  private static float parseFloat(String t) {
    if (!isNumber(t)) {
      throw new NumberFormatException();
    }
    return Float.parseFloat(t);
  }

  private static int parseInt(String t) {
    return parseInt(t, 0, t.length());
  }

  /** The integer in {@code t[from, to)}, spaces around it ignored: an ASCII sign and digits. */
  private static int parseInt(String t, int from, int to) {
    while (from < to && Character.isWhitespace(t.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(t.charAt(to - 1))) {
      to--;
    }
    requireInteger(t, from, to);
    return Integer.parseInt(t, from, to, 10);
  }

  /**
   * Whether {@code t} is a decimal number: an optional sign, then {@code Infinity}, or ASCII
   * digits with an optional fraction and exponent (at most 1000 characters).
   */
  private static boolean isNumber(String t) {
    int n = t.length();
    if (n == 0 || n > 1000) {
      return false;
    }
    int i = t.charAt(0) == '+' || t.charAt(0) == '-' ? 1 : 0;
    if (t.startsWith("Infinity", i)) {
      return i + 8 == n;
    }
    int digits = 0;
    while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  /** Checks that {@code t[from, to)} is an optional ASCII sign and ASCII digits. */
  private static void requireInteger(String t, int from, int to) {
    int digits = from < to && (t.charAt(from) == '+' || t.charAt(from) == '-') ? from + 1 : from;
    if (digits == to) {
      throw new NumberFormatException();
    }
    for (int i = digits; i < to; i++) {
      if (t.charAt(i) < '0' || t.charAt(i) > '9') {
        throw new NumberFormatException();
      }
    }
  }

  private static int commas(String t) {
    int count = 0;
    for (int i = 0; i < t.length(); i++) {
      if (t.charAt(i) == ',') {
        count++;
      }
    }
    return count;
  }

  /** The index of the closing bracket of {@code [...]}. */
  private static int closing(String t) {
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new NumberFormatException();
    }
    return t.length() - 1;
  }

  /** The comma-separated integers of {@code t[from, to)}; none if it is blank. */
  private static int[] intList(String t, int from, int to) {
    return intList(t, from, to, new int[][] {new int[16]});
  }

  /** {@link #intList(String, int, int)} with {@code scratch[0]} a buffer reused across calls. */
  private static int[] intList(String t, int from, int to, int[][] scratch) {
    int start = from;
    while (start < to && Character.isWhitespace(t.charAt(start))) {
      start++;
    }
    if (start == to) {
      return new int[0];
    }
    int[] out = scratch[0];
    int n = 0;
    int begin = from;
    for (int i = from; i <= to; i++) {
      if (i == to || t.charAt(i) == ',') {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = parseInt(t, begin, i);
        begin = i + 1;
      }
    }
    scratch[0] = out;
    return Arrays.copyOf(out, n);
  }

  private static int[][] intLists(String t) {
    List<int[]> lists = new ArrayList<>();
    int[][] scratch = {new int[16]};
    int i = 0;
    while (i < t.length()) {
      int close = t.indexOf(']', i);
      if (t.charAt(i) != '[' || close < 0) {
        throw new NumberFormatException();
      }
      lists.add(intList(t, i + 1, close, scratch));
      i = close + 1;
      while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      if (i < t.length()) {
        if (t.charAt(i) != ',') {
          throw new NumberFormatException();
        }
        i++;
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
          i++;
        }
        if (i == t.length()) {
          throw new NumberFormatException();
        }
      }
    }
    return lists.toArray(new int[0][]);
  }

  private static TokenBiases biasMap(String t) {
    if (!t.startsWith("{") || !t.endsWith("}")) {
      throw new NumberFormatException();
    }
    int from = 1;
    int to = t.length() - 1;
    while (from < to && Character.isWhitespace(t.charAt(from))) {
      from++;
    }
    if (from == to) {
      return new TokenBiases(new int[0], new float[0]);
    }
    int count = 1;
    for (int i = from; i < to; i++) {
      if (t.charAt(i) == ',') {
        count++;
      }
    }
    int[] ids = new int[count];
    float[] values = new float[count];
    long[] order = new long[count];
    int n = 0;
    int begin = from;
    for (int i = from; i <= to; i++) {
      if (i == to || t.charAt(i) == ',') {
        int colon = t.indexOf(':', begin);
        if (colon < 0 || colon >= i) {
          throw new NumberFormatException();
        }
        ids[n] = parseInt(t, begin, colon);
        values[n] = parseFloat(t.substring(colon + 1, i).trim());
        order[n] = ((long) ids[n] << 32) | n;
        n++;
        begin = i + 1;
      }
    }
    java.util.Arrays.sort(order);
    int[] sortedIds = new int[n];
    float[] sortedValues = new float[n];
    for (int j = 0; j < n; j++) {
      int k = (int) order[j];
      sortedIds[j] = ids[k];
      sortedValues[j] = values[k];
      if (j > 0 && sortedIds[j] == sortedIds[j - 1]) {
        throw new NumberFormatException();
      }
    }
    return new TokenBiases(sortedIds, sortedValues);
  }


  private static String list(int[] values) {
    return list(new StringBuilder(), values).toString();
  }

  private static StringBuilder list(StringBuilder s, int[] values) {
    s.append('[');
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ",").append(values[i]);
    }
    return s.append(']');
  }
}
